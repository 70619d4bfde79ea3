import { fromTrustedProxy, trustedProxies } from '../http/client-ip.js';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import type { AppContext } from '../context.js';
import { forbidden, unauthorized } from '../errors.js';
import type { ApiKey } from '../store/api-keys.js';
import { extendDashboardSession, findDashboardSession, sessionLifetimeMs, type DashboardSession } from '../store/dashboard-sessions.js';
import type { Caller } from './auth.js';

/** The dashboard's session cookie. */
export const sessionCookieName = 'cv_session';

/** A session's end is moved forward at most this often: a write per request would buy nothing. */
const slideEveryMs = 60_000;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The cv_session cookie's value, if the request carries one. */
export function sessionCookieOf(req: IncomingMessage): string | undefined {
  const header = single(req.headers.cookie);
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === sessionCookieName) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Whether the browser reached us over https: on the socket itself, or, behind a trusted
 * proxy (CLEARVIEW_TRUST_PROXY), as that proxy's X-Forwarded-Proto says. An untrusted
 * client could claim https to have a Secure cookie it then cannot send back, never more.
 */
export function isHttps(req: IncomingMessage, config: Config): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  if (!fromTrustedProxy(req, trustedProxies(config.trustProxy))) return false;
  const proto = single(req.headers['x-forwarded-proto']);
  // The last entry is the one our own proxy wrote.
  return proto?.split(',').pop()?.trim().toLowerCase() === 'https';
}

/** The Set-Cookie value that stores a session for its lifetime, or (secret null) removes it. */
export function sessionCookie(secret: string | null, secure: boolean): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', secret === null ? 'Max-Age=0' : `Max-Age=${sessionLifetimeMs / 1000}`];
  if (secure) attributes.push('Secure');
  return [`${sessionCookieName}=${secret ?? ''}`, ...attributes].join('; ');
}

/** The origins the collector itself is reached at: CLEARVIEW_PUBLIC_URL's, and the one this request names in Host. */
function ownOrigins(req: IncomingMessage, config: Config): string[] {
  const origins: string[] = [];
  if (config.publicUrl) origins.push(new URL(config.publicUrl).origin);
  const host = single(req.headers.host);
  if (host && host.length <= 300) origins.push(`${isHttps(req, config) ? 'https' : 'http'}://${host.toLowerCase()}`);
  return origins;
}

/**
 * A request that changes state with the cookie as its credential must come from a page of
 * the collector's own origin. SameSite=Strict already keeps the cookie off cross-site requests;
 * this also refuses same-site neighbours (another port, a sibling subdomain's page).
 */
export function requireOwnOrigin(req: IncomingMessage, config: Config): void {
  const origin = single(req.headers.origin);
  if (!origin || !ownOrigins(req, config).includes(origin.toLowerCase())) {
    throw forbidden('A dashboard session can change things only from the dashboard itself: the Origin header must be this collector’s own');
  }
}

const readsOnly = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A session in the shape the guard checks keys by: its permission, and one rate-limit bucket per session. */
function sessionAsKey(session: DashboardSession): ApiKey {
  return {
    id: session.keyId ?? `session_${session.idHash.slice(0, 16)}`,
    siteId: session.siteId,
    prefix: '',
    permission: session.permission,
    label: 'dashboard session',
    createdAt: session.createdAt,
    lastUsedAt: null,
    revokedAt: null,
  };
}

/**
 * The caller a cv_session cookie stands for, or a 401. State-changing requests must come
 * from our own origin (403). A session in use slides its end forward, in the database and
 * in the browser's cookie.
 */
export function sessionCaller(ctx: AppContext, req: Request, res: Response, secret: string): Caller {
  const t = ctx.now();
  let session = findDashboardSession(ctx.db, secret, t);
  if (!session) throw unauthorized('The dashboard session has ended or is unknown: sign in again');
  if (!readsOnly.has(req.method)) requireOwnOrigin(req, ctx.config);
  if (session.expiresAt - t < sessionLifetimeMs - slideEveryMs) {
    session = { ...session, expiresAt: extendDashboardSession(ctx.db, session.idHash, t) };
    res.append('Set-Cookie', sessionCookie(secret, isHttps(req, ctx.config)));
  }
  res.locals.session = session;
  return { siteId: session.siteId, key: sessionAsKey(session), via: 'session' };
}
