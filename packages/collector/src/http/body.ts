import type { IncomingMessage } from 'node:http';
import { HttpError, badRequest, payloadTooLarge, requestTimeout } from '../errors.js';
import { lingerOnClose } from './linger.js';

/**
 * Reads a request body of at most limitBytes within timeoutMs and calls `done` once.
 * Content-Length is trusted to refuse early only when no Transfer-Encoding is present;
 * otherwise the bytes are counted while reading, so a lying or chunked sender cannot get
 * past it. A refusal (413, 408) carries Connection: close, so the rest is never read.
 */
export function readBody(req: IncomingMessage, limitBytes: number, timeoutMs: number, done: (error: HttpError | null, body: string | null) => void): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && req.headers['transfer-encoding'] === undefined && Number(declared) > limitBytes) {
    lingerOnClose(req.socket);
    done(payloadTooLarge(limitBytes), null);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let answered = false;
  // A body that trickles in holds a connection and its memory: it gets a deadline of its own.
  const timer = setTimeout(() => {
    if (answered) return;
    answered = true;
    lingerOnClose(req.socket);
    done(requestTimeout(Math.ceil(timeoutMs / 1000)), null);
  }, timeoutMs);
  req.on('data', (chunk: Buffer) => {
    if (answered) return;
    size += chunk.length;
    if (size > limitBytes) {
      answered = true;
      clearTimeout(timer);
      lingerOnClose(req.socket);
      done(payloadTooLarge(limitBytes), null);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    clearTimeout(timer);
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
    clearTimeout(timer);
    if (!answered) done(error instanceof HttpError ? error : badRequest('The request body could not be read'), null);
    answered = true;
  });
}
