import { z } from 'zod';
import type { AppContext } from '../context.js';
import { badRequest, tooManyRequests, unauthorized } from '../errors.js';
import { clientIp, trustedProxies } from '../http/client-ip.js';
import { findActiveApiKey, permissions } from '../store/api-keys.js';
import { createDashboardSession, endDashboardSession, redeemDashboardLinkToken, type DashboardSession } from '../store/dashboard-sessions.js';
import { getSite } from '../store/sites.js';
import { authenticateKey } from './auth.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { errorModel } from './models.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { noQuery, parseBody, parseQuery } from './schemas.js';
import { isHttps, requireOwnOrigin, sessionCookie, sessionCookieOf } from './session-auth.js';

/** Sign-in attempts allowed per client address and minute: enough for people, too few to guess keys or tokens. */
export const signInAttemptsPerMinute = 10;

export const sessionBody = z
  .strictObject({
    key: z.string({ error: 'key must be a string' }).max(200, 'key must be at most 200 characters').optional().describe('An API key (cv_live_...)'),
    token: z
      .string({ error: 'token must be a string' })
      .max(200, 'token must be at most 200 characters')
      .optional()
      .describe('The one-time token from a sign-in link (the part after #token= in the URL clearview dashboard-link prints)'),
  })
  .describe('Exactly one of key and token');

export const sessionModel = z.object({
  site: z.object({
    id: z.string(),
    name: z.string(),
    siteKey: z.string().describe('The public key in the tracking tag'),
    domains: z.array(z.string()).describe('The domains the tracker counts page views on'),
  }),
  permission: z.enum(permissions),
  via: z.enum(['session', 'api_key']).describe('session: the cv_session cookie; api_key: a key header'),
  expiresAt: z.string().nullable().describe('When the session ends unless used again (it slides 12 hours ahead with use); null for a key'),
});

// One limiter per collector: the endpoint list is static, the counts are not.
const limiters = new WeakMap<AppContext, RateLimiter>();
function signInLimiter(ctx: AppContext): RateLimiter {
  let limiter = limiters.get(ctx);
  if (!limiter) limiters.set(ctx, (limiter = createRateLimiter(ctx.now)));
  return limiter;
}

function sessionView(ctx: AppContext, siteId: string, permission: (typeof permissions)[number], via: 'session' | 'api_key', expiresAt: number | null) {
  const site = getSite(ctx.db, siteId)!;
  return {
    site: { id: site.id, name: site.name, siteKey: site.siteKey, domains: site.domains },
    permission,
    via,
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
  } satisfies z.infer<typeof sessionModel>;
}

export const dashboardSessionEndpoints: Endpoint[] = [
  {
    method: 'POST',
    path: '/api/dashboard/session',
    auth: 'public',
    permission: 'read',
    limit: 'write',
    bodyLimit: 4 * 1024,
    handle(ctx, req, res) {
      const decision = signInLimiter(ctx).hit(`sign-in:${clientIp(req, trustedProxies(ctx.config.trustProxy))}`, signInAttemptsPerMinute);
      if (decision && !decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
      // Browsers always send Origin on a POST: a page elsewhere must not sign its visitor in (login CSRF).
      if (req.headers.origin !== undefined) requireOwnOrigin(req, ctx.config);
      const body = parseBody(sessionBody, req.body);
      if ((body.key === undefined) === (body.token === undefined)) throw badRequest('Send exactly one of "key" (an API key) and "token" (from a sign-in link)');
      let grant: { siteId: string; keyId: string | null; permission: (typeof permissions)[number] };
      if (body.key !== undefined) {
        const key = authenticateKey(body.key, (k) => findActiveApiKey(ctx.db, k));
        grant = { siteId: key.siteId, keyId: key.id, permission: key.permission };
      } else {
        const redeemed = redeemDashboardLinkToken(ctx.db, body.token!, ctx.now());
        if (!redeemed) throw unauthorized('This sign-in link is unknown, expired or already used: make a new one with npx clearview dashboard-link');
        grant = { ...redeemed, keyId: null };
      }
      const { session, secret } = createDashboardSession(ctx.db, grant, ctx.now());
      res
        .status(201)
        .set('Set-Cookie', sessionCookie(secret, isHttps(req, ctx.config)))
        .json(sessionView(ctx, session.siteId, session.permission, 'session', session.expiresAt));
    },
    doc: {
      tag: 'Dashboard',
      summary: 'Sign in to the dashboard',
      description: `Exchanges an API key, or the one-time token of a sign-in link (\`npx clearview dashboard-link\`, good once for 10 minutes), for a \`cv_session\` cookie (HttpOnly, SameSite=Strict, Secure over https). The session acts with the key's site and permission (the link's, for a token) on /api/v1 and /api/dashboard, lasts 12 hours from its last use, and ends when its key is revoked. At most ${signInAttemptsPerMinute} attempts a minute per client address. A request with an Origin header must come from the collector's own origin.`,
      body: sessionBody,
      bodyExample: { token: 'the part after #token= in the sign-in link' },
      responses: {
        201: { description: 'Signed in; the answer sets the cv_session cookie', schema: sessionModel },
        401: { description: 'The key or token is malformed, unknown, revoked, expired or used', schema: errorModel },
        403: { description: 'Origin is not the collector’s own', schema: errorModel },
        429: { description: `More than ${signInAttemptsPerMinute} attempts this minute from this address`, schema: errorModel },
      },
    },
  },
  {
    method: 'GET',
    path: '/api/dashboard/session',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const caller = callerOf(res);
      const session = res.locals.session as DashboardSession | undefined;
      const expiresAt = caller.via === 'session' && session ? session.expiresAt : null;
      res.json(sessionView(ctx, caller.siteId, caller.key!.permission, caller.via === 'session' ? 'session' : 'api_key', expiresAt));
    },
    doc: {
      tag: 'Dashboard',
      summary: 'Who is signed in',
      query: noQuery,
      description:
        'The site (with its public site key and domains, for the tracking tag) and the permission the session or key acts with. The dashboard reads it on load; a 401 means signed out.',
      responses: { 200: { description: 'The session', schema: sessionModel } },
    },
  },
  {
    method: 'DELETE',
    path: '/api/dashboard/session',
    auth: 'public',
    permission: 'read',
    limit: 'write',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const secret = sessionCookieOf(req);
      if (secret !== undefined) requireOwnOrigin(req, ctx.config);
      const ended = secret !== undefined && endDashboardSession(ctx.db, secret);
      res.set('Set-Cookie', sessionCookie(null, isHttps(req, ctx.config))).json({ ended });
    },
    doc: {
      tag: 'Dashboard',
      summary: 'Sign out of the dashboard',
      query: noQuery,
      description: 'Ends the session of the cv_session cookie sent, and removes the cookie. Needs an Origin equal to the collector’s own when a cookie is sent.',
      responses: {
        200: { description: 'Signed out; ended says whether a live session was ended', schema: z.object({ ended: z.boolean() }) },
        403: { description: 'Origin is not the collector’s own', schema: errorModel },
      },
    },
  },
];
