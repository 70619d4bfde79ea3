import express, { type ErrorRequestHandler, type Express } from 'express';
import { z } from 'zod';
import { HttpError, badRequest, notFound, payloadTooLarge, toHttpError } from '../errors.js';
import type { AppContext } from '../context.js';
import { companyEndpoints } from './companies.js';
import { contactEndpoints } from './contacts.js';
import { dashboardFiles } from '../http/dashboard-files.js';
import { dashboardSessionEndpoints } from './dashboard-session.js';
import { docsAssets } from './docs-page.js';
import { mountEndpoints, type Endpoint } from './endpoint.js';
import { ingestEndpoints } from './ingest.js';
import { insightEndpoints } from './insights.js';
import { keyEndpoints } from './keys.js';
import { buildOpenApi } from './openapi.js';
import { outreachEndpoints } from './outreach.js';
import { pageViewEndpoints } from './page-views.js';
import { createRateLimiter } from './rate-limit.js';
import { logFailedRequests } from './request-log.js';
import { resolveEndpoints } from './resolve.js';
import { settingsEndpoints } from './settings.js';
import { signalEndpoints } from './signals.js';
import { visitorEndpoints } from './visitors.js';
import { watchListEndpoints } from './watch-list.js';
import { noQuery, parseQuery } from './schemas.js';
import { webhookCaller, webhookEndpoints } from './webhook.js';
import { webhookEndpointEndpoints } from './webhook-endpoints.js';

export const apiVersion = '1.0.0';

const openApiEndpoint: Endpoint = {
  method: 'GET',
  path: '/api/v1/openapi.json',
  auth: 'public',
  permission: 'read',
  limit: 'read',
  handle(_ctx, req, res) {
    parseQuery(noQuery, req.query);
    res.type('application/json').send(openApiText());
  },
  doc: {
    tag: 'Meta',
    summary: 'This OpenAPI document',
    description: 'The OpenAPI 3.1 description of the whole API. No key needed. An interactive reference is at /docs.',
    query: noQuery,
    responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
  },
};

/** Every /api/v1 and /api/dashboard endpoint Express serves (the beacon path is server.ts's). */
export const endpoints: readonly Endpoint[] = [
  ...companyEndpoints,
  ...visitorEndpoints,
  ...pageViewEndpoints,
  ...contactEndpoints,
  ...ingestEndpoints,
  ...webhookEndpoints,
  ...webhookEndpointEndpoints,
  ...resolveEndpoints,
  ...keyEndpoints,
  ...settingsEndpoints,
  ...watchListEndpoints,
  ...signalEndpoints,
  ...insightEndpoints,
  ...outreachEndpoints,
  ...dashboardSessionEndpoints,
  openApiEndpoint,
];

let openApiCache: string | null = null;
function openApiText(): string {
  openApiCache ??= JSON.stringify(buildOpenApi(endpoints, apiVersion));
  return openApiCache;
}
export const openApiDocument = (): Record<string, unknown> => JSON.parse(openApiText()) as Record<string, unknown>;

/** A body-parser error (they carry a status and say whether the message is safe) as our error. */
function bodyParserError(error: unknown): HttpError | null {
  const e = error as { type?: string; status?: number; expose?: boolean; limit?: number; code?: unknown; message?: string } | null;
  if (!e || typeof e !== 'object') return null;
  // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR...) reach us untyped, with status 400.
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) return badRequest('The request body could not be decompressed: it does not match its Content-Encoding');
  if (typeof e.type !== 'string') return null;
  // Our own verify hook (endpoint.ts): its message is the public reason.
  if (e.type === 'clearview.body.refused') return badRequest(e.message ?? 'Request body refused');
  if (e.type === 'entity.parse.failed') return badRequest('Request body is not valid JSON');
  if (e.type === 'entity.too.large') return payloadTooLarge(e.limit ?? 0);
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return new HttpError(415, 'Request body must be UTF-8 JSON (gzip, deflate or br encoded, or not at all)');
  if (e.type === 'request.aborted') return badRequest('The request body was cut off');
  if (e.type === 'request.size.invalid') return badRequest('The request body is shorter or longer than its Content-Length');
  return null;
}

/**
 * The REST API on Express. The beacon path never comes here: server.ts routes
 * it before Express, which would cost several times its own work per beacon.
 */
export function createApiApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(logFailedRequests(ctx.logger));
  app.use((_req, res, next) => {
    // API answers are per key and change with every ingest: never cached by a shared cache.
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    next();
  });

  mountEndpoints(app, endpoints, { ctx, limiter: createRateLimiter(ctx.now), webhookCaller });
  docsAssets(app);
  dashboardFiles(app, ctx.config.dashboardDir);

  app.use((req, _res, next) => next(notFound(`No route for ${req.method} ${req.path.slice(0, 200)}; see /api/v1/openapi.json or /docs`)));

  // The one final handler: public errors answer with their own body; anything
  // else is logged here in full and answered with a plain 500.
  const finalHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    let httpError = bodyParserError(error);
    // A path parameter that does not decode (%E0%A4%A) fails inside Express's router with status 400.
    if (!httpError && !(error instanceof HttpError) && (error instanceof URIError || (error as { status?: number } | null)?.status === 400)) {
      httpError = badRequest('The URL could not be decoded: check its percent-escapes');
    }
    httpError ??= toHttpError(error);
    // A client's mistake is one line at info; only our own failures are errors with their stack.
    if (httpError.status === 500) ctx.logger.error({ err: error }, 'unhandled API error');
    // A client's mistake is logged once, by request-log.ts, with the message it was answered with.
    else res.locals.errorMessage = httpError.message;
    // An answer already written whole (refuseTooLarge's 413, before body-parser's own limit error)
    // stands: destroying its socket now could reset the connection before the client reads it.
    // One cut off midway cannot be finished: its connection is closed.
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy();
      return;
    }
    res.status(httpError.status).set(httpError.headers).json(httpError.toBody());
  };
  app.use(finalHandler);
  return app;
}
