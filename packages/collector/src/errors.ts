/**
 * The one errors module: every error ClearView answers has the documented body
 * { "error": { "code", "message", "status" } }, built here and nowhere else.
 */
export const statusCodes = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
} as const;

export type ErrorStatus = keyof typeof statusCodes;
export type ErrorCode = (typeof statusCodes)[ErrorStatus];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; status: ErrorStatus };
}

/** The one thrown HTTP error. Its message is public: never put internals in it. */
export class HttpError extends Error {
  readonly status: ErrorStatus;
  readonly headers: Record<string, string>;
  readonly details: unknown;

  constructor(status: ErrorStatus, message: string, options: { headers?: Record<string, string>; details?: unknown } = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = options.headers ?? {};
    this.details = options.details;
  }

  get code(): ErrorCode {
    return statusCodes[this.status];
  }

  toBody(): ErrorBody & { details?: unknown } {
    const body: ErrorBody & { details?: unknown } = { error: { code: this.code, message: this.message, status: this.status } };
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, message, { details });
export const unauthorized = (message = 'Invalid or missing API key') => new HttpError(401, message);
export const forbidden = (message: string) => new HttpError(403, message);
export const notFound = (message: string) => new HttpError(404, message);
export const methodNotAllowed = (allowed: string[]) =>
  new HttpError(405, `Method not allowed; this endpoint accepts ${allowed.join(', ')}`, { headers: { Allow: allowed.join(', ') } });
export const conflict = (message: string) => new HttpError(409, message);
// The connection is closed after a 413: reading the rest of a body we refused would only cost us.
export const payloadTooLarge = (limitBytes: number) =>
  new HttpError(413, `Request body is larger than the ${limitBytes}-byte limit`, { headers: { Connection: 'close' } });
export const requestTimeout = (seconds: number) => new HttpError(408, `The request was not received within ${seconds} seconds`, { headers: { Connection: 'close' } });
export const unsupportedMediaType = (message: string) => new HttpError(415, message);
export const unprocessable = (message: string, details?: unknown) => new HttpError(422, message, { details });
export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(429, `Rate limit exceeded; retry after ${retryAfterSeconds} seconds`, { headers: { 'Retry-After': String(retryAfterSeconds) } });
export const serviceUnavailable = (message: string, retryAfterSeconds = 1) => new HttpError(503, message, { headers: { 'Retry-After': String(retryAfterSeconds) } });

/** The plain 500: whatever went wrong stays in the server log. */
export const internalError = () => new HttpError(500, 'Unexpected server error');

/** Turns anything thrown into the HttpError to answer; unknown errors become the plain 500. */
export function toHttpError(error: unknown): HttpError {
  return error instanceof HttpError ? error : internalError();
}
