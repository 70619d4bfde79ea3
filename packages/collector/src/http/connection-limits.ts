import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError, badRequest } from '../errors.js';
import type { Config } from '../config.js';

/**
 * What one client can hold on the listener is bounded: connections, how long headers and
 * bodies take to arrive, how long an idle keep-alive connection stays. Unbounded, a few
 * thousand slow senders use up the file descriptors and the collector stops answering.
 */
export function applyConnectionLimits(server: Server, limits: Config['connections']): void {
  server.maxConnections = limits.max;
  server.headersTimeout = limits.headersTimeoutMs;
  // The whole request; the beacon path cuts its own bodies sooner (http/body.ts).
  server.requestTimeout = limits.bodyTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => answerClientError(error, socket, limits));
}

/** How often Node checks the header and request deadlines: a fraction of the shorter one, at most each second. */
export function connectionsCheckingInterval(limits: Config['connections']): number {
  return Math.max(10, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.bodyTimeoutMs) / 4)));
}

/** The answer to an error Node's HTTP parser or its deadlines raised, before any handler ran. */
export function clientErrorAnswer(code: string | undefined, limits: Pick<Config['connections'], 'headersTimeoutMs' | 'bodyTimeoutMs'>): HttpError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(431, 'Request headers are larger than the 16 KB limit');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpError(
        408,
        `The request was not received in time: headers within ${limits.headersTimeoutMs / 1000} seconds, the whole request within ${limits.bodyTimeoutMs / 1000}`,
      );
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return badRequest('Send Content-Length or Transfer-Encoding, not both');
    case 'HPE_INVALID_CONTENT_LENGTH':
      return badRequest('Content-Length must be a whole number of bytes');
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return badRequest('Transfer-Encoding must be chunked');
    default:
      return badRequest('The request is not valid HTTP/1.1');
  }
}

/**
 * Node answers parser errors with an empty body; ours carry the documented error body,
 * and close the connection: after a parse error nothing more on it can be trusted.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex, limits: Config['connections']): void {
  const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = clientErrorAnswer(error.code, limits);
  const body = JSON.stringify(answer.toBody());
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A client that does not read its answer does not keep the socket either.
  setTimeout(() => socket.destroy(), 1_000).unref();
}
