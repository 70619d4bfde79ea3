import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { Caller } from './auth.js';

/**
 * One log line for every API request that ends in 4xx or 5xx: method, path (never the query,
 * which may carry search terms), status, milliseconds, the key's id (never the key itself) and
 * the error message the client was answered with.
 * Successful requests are not logged: at a few a second they would bury everything else.
 */
export function logFailedRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const status = res.statusCode;
      if (status < 400) return;
      const caller = res.locals.caller as Caller | undefined;
      const path = (req.originalUrl.split('?', 1)[0] ?? '').slice(0, 200);
      const line = {
        method: req.method,
        path,
        status,
        ms: Math.round(performance.now() - started),
        keyId: caller?.key?.id ?? null,
        message: (res.locals.errorMessage as string | undefined) ?? null,
      };
      if (status >= 500) logger.warn(line, `${req.method} ${path} ${status}`);
      else logger.info(line, `${req.method} ${path} ${status}`);
    });
    next();
  };
}
