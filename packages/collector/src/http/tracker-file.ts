import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { methodNotAllowed, notFound } from '../errors.js';
import { sendError } from './respond.js';

/**
 * Serves the built tracker at /t.js. Compressed once at start (the file never
 * changes while we run), validated by ETag, and cached by browsers for an hour
 * so a new release reaches visitors the same day.
 */
export function createTrackerFileHandler(path: string) {
  let variants: { identity: Buffer; gzip: Buffer; br: Buffer; etag: string } | null = null;
  try {
    const identity = readFileSync(path);
    variants = {
      identity,
      gzip: gzipSync(identity, { level: 9 }),
      br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
    };
  } catch {
    variants = null;
  }
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, methodNotAllowed(['GET', 'HEAD']));
    if (!variants) return sendError(res, notFound('The tracker is not built; run npm run build'));
    const headers: Record<string, string> = {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
      ETag: variants.etag,
      Vary: 'Accept-Encoding',
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    };
    if (etagMatches(req.headers['if-none-match'], variants.etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const accepted = String(req.headers['accept-encoding'] ?? '');
    let body = variants.identity;
    if (/\bbr\b/.test(accepted)) {
      body = variants.br;
      headers['Content-Encoding'] = 'br';
    } else if (/\bgzip\b/.test(accepted)) {
      body = variants.gzip;
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/**
 * If-None-Match as RFC 9110 compares it for GET: weakly (a W/ prefix on either side does not
 * matter), against any tag of a comma-separated list, or "*". Caches and CDNs send W/ tags
 * when they recompress, and lists when they hold several variants.
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, '');
  // Bounded: no real list of tags is longer.
  for (const tag of header.slice(0, 2_000).split(',')) {
    const trimmed = tag.trim();
    if (trimmed === '*' || trimmed.replace(/^W\//, '') === opaque) return true;
  }
  return false;
}
