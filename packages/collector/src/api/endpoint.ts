import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../context.js';
import { methodNotAllowed, payloadTooLarge, tooManyRequests } from '../errors.js';
import { lingerOnClose } from '../http/linger.js';
import { jsonBodyProblem } from '../http/json-limits.js';
import { findActiveApiKey, touchApiKey, type Permission } from '../store/api-keys.js';
import { authenticateKey, keyFromHeaders, requirePermission, type Caller } from './auth.js';
import { rateLimitHeaders, type RateLimiter } from './rate-limit.js';
import { sessionCaller, sessionCookieOf } from './session-auth.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type LimitClass = 'read' | 'write' | 'ingest';

/** How an endpoint learns who calls: an API key (either header), Bearer only, the webhook's headers, or nobody. */
export type AuthStyle = 'api_key' | 'bearer' | 'webhook' | 'public';

export interface EndpointDoc {
  summary: string;
  description?: string;
  tag: string;
  query?: z.ZodObject<z.ZodRawShape>;
  pathParams?: Record<string, string>;
  body?: z.ZodType;
  bodyExample?: unknown;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

/**
 * One endpoint: its route, who may call it, which rate limit it counts
 * against, its handler and its documentation. app.ts mounts these and
 * openapi.ts documents the very same list, so neither can miss one.
 */
export interface Endpoint {
  method: Method;
  /** OpenAPI style: /api/v1/companies/{id}. */
  path: string;
  auth: AuthStyle;
  permission: Permission;
  limit: LimitClass;
  /** Largest accepted JSON body in bytes; endpoints without one read no body. */
  bodyLimit?: number;
  handle: (ctx: AppContext, req: Request, res: Response) => unknown;
  doc: EndpointDoc;
}

/** The caller the guard established; only valid inside an authenticated endpoint. */
export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}

export interface GuardDeps {
  ctx: AppContext;
  limiter: RateLimiter;
  /** Webhook authentication (site key, secret or key), given by webhook.ts. */
  webhookCaller: (ctx: AppContext, req: Request) => Caller;
}

const touchEveryMs = 60_000;

/**
 * Runs before the body is read: who is calling (401), whether they are within
 * their rate limit (429; the headers go on every authenticated answer), and
 * whether their key has the level this endpoint needs (403). The level is
 * checked here, before the handler parses anything, so a read key sending a
 * bad ingest body learns about its key first, and a refused request costs no
 * body read.
 */
function guard(endpoint: Endpoint, deps: GuardDeps, touched: Map<string, number>): RequestHandler {
  const { ctx, limiter } = deps;
  return (req, res, next) => {
    if (endpoint.auth === 'public') return next();
    let caller: Caller;
    if (endpoint.auth === 'webhook') caller = deps.webhookCaller(ctx, req);
    else {
      // The dashboard's cookie stands in for a key when no key is sent (never on Bearer-only endpoints).
      const session = endpoint.auth === 'api_key' && !req.headers.authorization && !req.headers['x-api-key'] ? sessionCookieOf(req) : undefined;
      if (session !== undefined) caller = sessionCaller(ctx, req, res, session);
      else {
        const key = authenticateKey(keyFromHeaders(req.headers, endpoint.auth === 'bearer'), (k) => findActiveApiKey(ctx.db, k));
        caller = { siteId: key.siteId, key, via: 'api_key' };
      }
    }
    res.locals.caller = caller;
    // API keys are limited per key and endpoint class; the webhook per site and
    // credential class, so junk sent with the public site key cannot use up the
    // quota of the secret's or a key's senders.
    const bucket = endpoint.auth === 'webhook' ? `site:${caller.siteId}:webhook:${caller.via}` : `${caller.key!.id}:${endpoint.limit}`;
    const decision = limiter.hit(bucket, ctx.config.rateLimits[endpoint.limit]);
    if (decision) {
      res.set(rateLimitHeaders(decision));
      if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
    }
    if (caller.key) {
      requirePermission(caller.key, endpoint.permission);
      if (caller.via === 'session') return next();
      // last_used_at is for people auditing keys: once a minute is precise enough
      // and keeps a write off every read request.
      const t = ctx.now();
      if ((touched.get(caller.key.id) ?? 0) + touchEveryMs <= t) {
        touched.set(caller.key.id, t);
        touchApiKey(ctx.db, caller.key.id, t);
      }
    }
    next();
  };
}

/**
 * body-parser's verify hook: the bytes as sent (decompressed), before they are decoded or
 * parsed. A refusal is thrown with its own type, which app.ts answers as a 400.
 */
function verifyJsonBody(_req: unknown, _res: unknown, bytes: Buffer): void {
  const problem = jsonBodyProblem(bytes);
  if (problem !== null) throw Object.assign(new Error(problem), { type: 'clearview.body.refused' });
}

/**
 * A declared Content-Length past the limit is refused before body-parser runs, which
 * would read (and discard) the whole body first; the 413 closes the connection instead.
 * A body without one (chunked) is counted as it arrives: body-parser would stop at the limit
 * but then drain the rest before answering, up to the body deadline, so the 413 goes out here.
 */
function refuseTooLarge(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (req.headers['transfer-encoding'] === undefined) {
      if (declared !== undefined && Number(declared) > limitBytes) throw payloadTooLarge(limitBytes);
      next();
      return;
    }
    // Bytes as sent: a compressed body past the limit would only be larger once inflated.
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limitBytes) return;
      req.off('data', count);
      if (res.headersSent) return;
      const error = payloadTooLarge(limitBytes);
      res.locals.errorMessage = error.message;
      lingerOnClose(req.socket);
      // Connection: close makes Node close the socket once this is written, which stops the reading;
      // body-parser's own 413 then finds the answer sent and goes no further.
      res.status(error.status).set(error.headers).json(error.toBody());
    };
    // Attached in the same turn as body-parser's listener (next() is synchronous), so both see every chunk.
    req.on('data', count);
    next();
  };
}

/**
 * After refuseTooLarge answered 413, body-parser can still finish the body (a compressed one
 * under the limit once inflated): the handler must not act on a request already refused.
 */
const stopWhenAnswered: RequestHandler = (_req, res, next) => {
  if (!res.headersSent) next();
};

const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** Mounts the endpoints, and a 405 with Allow for every other method on their paths. */
export function mountEndpoints(app: Express, endpoints: readonly Endpoint[], deps: GuardDeps): void {
  const byPath = new Map<string, Endpoint[]>();
  const touched = new Map<string, number>();
  for (const endpoint of endpoints) byPath.set(endpoint.path, [...(byPath.get(endpoint.path) ?? []), endpoint]);
  for (const [path, list] of byPath) {
    const route = app.route(expressPath(path));
    const allowed: string[] = list.map((e) => e.method);
    if (allowed.includes('GET')) allowed.splice(allowed.indexOf('GET') + 1, 0, 'HEAD');
    for (const endpoint of list) {
      const handlers: RequestHandler[] = [guard(endpoint, deps, touched)];
      if (endpoint.bodyLimit) handlers.push(refuseTooLarge(endpoint.bodyLimit));
      if (endpoint.bodyLimit) handlers.push(express.json({ limit: endpoint.bodyLimit, type: () => true, strict: true, verify: verifyJsonBody }));
      if (endpoint.bodyLimit) handlers.push(stopWhenAnswered);
      handlers.push(async (req: Request, res: Response, next: NextFunction) => {
        try {
          await endpoint.handle(deps.ctx, req, res);
        } catch (error) {
          next(error);
        }
      });
      const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
      route[method](...handlers);
    }
    route.options((_req, res) => {
      res
        .set('Allow', [...allowed, 'OPTIONS'].join(', '))
        .status(204)
        .end();
    });
    route.all(() => {
      throw methodNotAllowed(allowed);
    });
  }
}
