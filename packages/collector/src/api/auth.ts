import type { IncomingHttpHeaders } from 'node:http';
import { forbidden, unauthorized } from '../errors.js';
import type { ApiKey, Permission } from '../store/api-keys.js';

/** The documented key format; checked before any hashing or database work. */
export const apiKeyPattern = /^cv_live_[A-Za-z0-9]{32}$/;

const rank: Record<Permission, number> = { read: 0, write: 1, admin: 2 };

/** Whether a key of level `has` may call an endpoint that needs `needs` (write includes read, admin all). */
export const permits = (has: Permission, needs: Permission): boolean => rank[has] >= rank[needs];

/** Who is calling: the site every query is scoped to, and the key when one was used. */
export interface Caller {
  siteId: string;
  key: ApiKey | null;
  /** How the caller proved who it is (session: the dashboard's cv_session cookie, acting as the key it was opened with). */
  via: 'api_key' | 'site_key' | 'secret' | 'session';
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The API key text from the headers, or a 401 saying what to send.
 * `bearerOnly` is POST /api/v1/ingest, which the document says takes only
 * `Authorization: Bearer`.
 */
export function keyFromHeaders(headers: IncomingHttpHeaders, bearerOnly: boolean): string {
  const authorization = single(headers.authorization);
  const xApiKey = single(headers['x-api-key']);
  // Length is bounded before any regex runs.
  const bearer = authorization !== undefined && authorization.length <= 300 ? /^Bearer +(\S+) *$/i.exec(authorization)?.[1] : undefined;
  if (authorization !== undefined && bearer === undefined) {
    throw unauthorized('Authorization header must be "Bearer cv_live_..."');
  }
  if (bearerOnly) {
    if (bearer === undefined) {
      throw unauthorized(
        xApiKey !== undefined
          ? 'This endpoint takes the key as "Authorization: Bearer cv_live_...", not X-Api-Key'
          : 'Missing API key; send "Authorization: Bearer cv_live_..."',
      );
    }
    return bearer;
  }
  if (xApiKey !== undefined && bearer !== undefined && xApiKey !== bearer) {
    throw unauthorized('Two different API keys were sent; send one, in X-Api-Key or Authorization: Bearer');
  }
  const key = xApiKey ?? bearer;
  if (key === undefined) throw unauthorized('Missing API key; send "X-Api-Key: cv_live_..." or "Authorization: Bearer cv_live_..."');
  return key;
}

/** Format first, then the constant-time lookup; unknown and revoked keys answer alike. */
export function authenticateKey(key: string, find: (key: string) => ApiKey | null): ApiKey {
  if (key.length > 100 || !apiKeyPattern.test(key)) {
    throw unauthorized('Malformed API key; keys look like cv_live_ followed by 32 letters and digits');
  }
  const found = find(key);
  if (!found) throw unauthorized('Invalid API key: it is unknown or has been revoked');
  return found;
}

export function requirePermission(key: ApiKey, needs: Permission): void {
  if (!permits(key.permission, needs)) {
    throw forbidden(`This endpoint needs a key with ${needs} permission${needs === 'admin' ? '' : ' or higher'}; this key has ${key.permission}`);
  }
}
