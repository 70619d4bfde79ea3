import type { IncomingMessage } from 'node:http';
import { HttpError, badRequest, payloadTooLarge } from '../errors.js';

/**
 * Reads a request body of at most limitBytes and calls `done` once. Content-Length
 * is trusted to refuse early only when no Transfer-Encoding is present; otherwise
 * the bytes are counted while reading, so a lying or chunked sender cannot get past it.
 */
export function readBody(req: IncomingMessage, limitBytes: number, done: (error: HttpError | null, body: string | null) => void): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && req.headers['transfer-encoding'] === undefined && Number(declared) > limitBytes) {
    req.resume();
    done(payloadTooLarge(limitBytes), null);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let answered = false;
  req.on('data', (chunk: Buffer) => {
    if (answered) return;
    size += chunk.length;
    if (size > limitBytes) {
      answered = true;
      done(payloadTooLarge(limitBytes), null);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (answered) return;
    answered = true;
    const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    const text = buffer.toString('utf8');
    // A body that is not valid UTF-8 would be stored mangled: refuse it instead.
    if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(buffer)) {
      done(badRequest('Body must be UTF-8 text'), null);
      return;
    }
    done(null, text);
  });
  req.on('error', (error) => {
    if (!answered) done(error instanceof HttpError ? error : badRequest('The request body could not be read'), null);
    answered = true;
  });
}
