import express, { type ErrorRequestHandler, type Express } from 'express';
import { HttpError, badRequest, notFound, payloadTooLarge, toHttpError } from '../errors.js';
import type { AppContext } from '../context.js';

/**
 * The REST API on Express. The beacon path never comes here: server.ts routes
 * it before Express, which would cost several times its own work per beacon.
 */
export function createApiApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  // Resource routers are mounted here (api/*.ts).

  app.use((req, _res, next) => next(notFound(`No route for ${req.method} ${req.path}; see /api/v1/openapi.json`)));

  // The one final handler: public errors answer with their own body; anything
  // else is logged here in full and answered with a plain 500.
  const finalHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    let httpError: HttpError;
    const type = (error as { type?: string } | null)?.type;
    if (type === 'entity.parse.failed') httpError = badRequest('Request body is not valid JSON');
    else if (type === 'entity.too.large') httpError = payloadTooLarge((error as { limit: number }).limit);
    else httpError = toHttpError(error);
    if (httpError.status === 500) ctx.logger.error({ err: error }, 'unhandled API error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(httpError.status).set(httpError.headers).json(httpError.toBody());
  };
  app.use(finalHandler);
  return app;
}
