import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { methodNotAllowed, notFound, unauthorized } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { pingDatabase, type Db } from '../store/db.js';
import { sendError, sendJson } from './respond.js';

/** GET /healthz: the database answers; the write queue's depth tells a probe how loaded the collector is. */
export function createHealthHandler(db: Db, queueDepth: () => number) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, methodNotAllowed(['GET', 'HEAD']));
    pingDatabase(db);
    sendJson(res, 200, { status: 'ok', queueDepth: queueDepth() });
  };
}

/**
 * GET /metrics: Prometheus text. The counters tell anyone how busy the collector is and which
 * sites it serves, so they are not public: with `token` set a scrape must send it as
 * Bearer; with `token` null this handler serves only where it is mounted on its own listener
 * (CLEARVIEW_METRICS_ADDR), and `open` says so.
 */
export function createMetricsHandler(metrics: Metrics, access: { token: string | null; open: boolean }) {
  const expected = access.token === null ? null : digest(access.token);
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, methodNotAllowed(['GET', 'HEAD']));
    if (expected === null && !access.open) {
      return sendError(res, notFound('Metrics are not served on this listener; set CLEARVIEW_METRICS_TOKEN or CLEARVIEW_METRICS_ADDR'));
    }
    if (expected !== null) {
      const header = req.headers.authorization;
      const sent = header !== undefined && header.length <= 300 ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
      // Compared as digests in constant time: the token's length and prefix leak nothing.
      if (sent === undefined || !timingSafeEqual(digest(sent), expected)) {
        return sendError(res, unauthorized('Send the metrics token as "Authorization: Bearer <CLEARVIEW_METRICS_TOKEN>"'), { 'WWW-Authenticate': 'Bearer' });
      }
    }
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
    res.end(text);
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();
