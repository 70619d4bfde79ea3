import type { Permission } from './api-keys.js';
import type { Db } from './db.js';
import { randomBase62, sameDigest, sha256Hex } from './ids.js';
import { prepared } from './prepared.js';

/** How long a session lasts without use; every use moves its end this far ahead again. */
export const sessionLifetimeMs = 12 * 60 * 60 * 1000;
/** How long a one-time sign-in link stays good. */
export const linkTokenLifetimeMs = 10 * 60 * 1000;

/** The cookie's value and the link token's: 43 base62 characters carry over 256 bits. */
export const sessionSecretPattern = /^[A-Za-z0-9]{43}$/;

export interface DashboardSession {
  /** The digest of the cookie's value, never the value itself. */
  idHash: string;
  siteId: string;
  /** The key the session was opened with; null for a one-time link's. */
  keyId: string | null;
  permission: Permission;
  createdAt: number;
  expiresAt: number;
}

interface SessionRow {
  id_hash: string;
  site_id: string;
  key_id: string | null;
  permission: Permission;
  created_at: number;
  expires_at: number;
}

const toSession = (row: SessionRow): DashboardSession => ({
  idHash: row.id_hash,
  siteId: row.site_id,
  keyId: row.key_id,
  permission: row.permission,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

/** Opens a session; the secret for the cookie is in the result once and only its digest is stored. */
export function createDashboardSession(
  db: Db,
  input: { siteId: string; keyId: string | null; permission: Permission },
  now: number,
): { session: DashboardSession; secret: string } {
  const secret = randomBase62(43);
  const row: SessionRow = {
    id_hash: sha256Hex(secret),
    site_id: input.siteId,
    key_id: input.keyId,
    permission: input.permission,
    created_at: now,
    expires_at: now + sessionLifetimeMs,
  };
  // Expired rows are swept whenever a session opens, so the table follows the sessions in use.
  prepared(db, 'DELETE FROM dashboard_sessions WHERE expires_at <= ?').run(now);
  prepared(
    db,
    'INSERT INTO dashboard_sessions (id_hash, site_id, key_id, permission, created_at, expires_at) VALUES (@id_hash, @site_id, @key_id, @permission, @created_at, @expires_at)',
  ).run(row);
  return { session: toSession(row), secret };
}

/**
 * The live session for this cookie value, or null: unknown, expired, or opened with a key
 * that has since been revoked. The digests are compared in constant time.
 */
export function findDashboardSession(db: Db, secret: string, now: number): DashboardSession | null {
  if (!sessionSecretPattern.test(secret)) return null;
  const digest = sha256Hex(secret);
  const row = prepared<[string], SessionRow & { revoked_at: number | null }>(
    db,
    `SELECT s.*, k.revoked_at FROM dashboard_sessions s LEFT JOIN api_keys k ON k.id = s.key_id WHERE s.id_hash = ?`,
  ).get(digest);
  if (!row || !sameDigest(row.id_hash, digest) || row.expires_at <= now || row.revoked_at != null) return null;
  return toSession(row);
}

/** Moves a session's end to now + its lifetime (the sliding expiry). */
export function extendDashboardSession(db: Db, idHash: string, now: number): number {
  const expiresAt = now + sessionLifetimeMs;
  prepared(db, 'UPDATE dashboard_sessions SET expires_at = ? WHERE id_hash = ?').run(expiresAt, idHash);
  return expiresAt;
}

/** Ends the session with this cookie value; whether there was one. */
export function endDashboardSession(db: Db, secret: string): boolean {
  if (!sessionSecretPattern.test(secret)) return false;
  return prepared(db, 'DELETE FROM dashboard_sessions WHERE id_hash = ?').run(sha256Hex(secret)).changes > 0;
}

/** Makes a one-time sign-in token for a site and permission; only its digest is stored. */
export function createDashboardLinkToken(db: Db, input: { siteId: string; permission: Permission }, now: number): { token: string; expiresAt: number } {
  const token = randomBase62(43);
  const expiresAt = now + linkTokenLifetimeMs;
  prepared(db, 'DELETE FROM dashboard_link_tokens WHERE expires_at <= ?').run(now);
  prepared(db, 'INSERT INTO dashboard_link_tokens (token_hash, site_id, permission, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
    sha256Hex(token),
    input.siteId,
    input.permission,
    now,
    expiresAt,
  );
  return { token, expiresAt };
}

/**
 * Spends a one-time token: the site and permission it grants, or null when it is unknown,
 * expired or already used. The UPDATE marks it used only if nobody did first, so two
 * requests racing with one token cannot both win.
 */
export function redeemDashboardLinkToken(db: Db, token: string, now: number): { siteId: string; permission: Permission } | null {
  if (!sessionSecretPattern.test(token)) return null;
  const digest = sha256Hex(token);
  const row = prepared<[string], { token_hash: string; site_id: string; permission: Permission; expires_at: number; used_at: number | null }>(
    db,
    'SELECT token_hash, site_id, permission, expires_at, used_at FROM dashboard_link_tokens WHERE token_hash = ?',
  ).get(digest);
  if (!row || !sameDigest(row.token_hash, digest) || row.used_at !== null || row.expires_at <= now) return null;
  const spent = prepared(db, 'UPDATE dashboard_link_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL').run(now, digest).changes;
  return spent === 1 ? { siteId: row.site_id, permission: row.permission } : null;
}
