import type { Db } from './db.js';
import { newApiKey, newApiKeyId, sameDigest, sha256Hex } from './ids.js';
import { prepared } from './prepared.js';

export type Permission = 'read' | 'write' | 'admin';
export const permissions: readonly Permission[] = ['read', 'write', 'admin'];

export interface ApiKey {
  id: string;
  siteId: string;
  prefix: string;
  permission: Permission;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface ApiKeyRow {
  id: string;
  site_id: string;
  key_hash: string;
  prefix: string;
  permission: Permission;
  label: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  siteId: row.site_id,
  prefix: row.prefix,
  permission: row.permission,
  label: row.label,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/** Creates a key; the plain key is in the result once and never stored. */
export function createApiKey(db: Db, input: { siteId: string; permission: Permission; label: string }, now = Date.now()): { apiKey: ApiKey; key: string } {
  const key = newApiKey();
  const id = newApiKeyId();
  prepared(db, 'INSERT INTO api_keys (id, site_id, key_hash, prefix, permission, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    id,
    input.siteId,
    sha256Hex(key),
    key.slice(0, 12),
    input.permission,
    input.label,
    now,
  );
  return { apiKey: getApiKey(db, id)!, key };
}

export function getApiKey(db: Db, id: string): ApiKey | null {
  const row = prepared<[string], ApiKeyRow>(db, 'SELECT * FROM api_keys WHERE id = ?').get(id);
  return row ? toApiKey(row) : null;
}

export function listApiKeys(db: Db, siteId: string): ApiKey[] {
  return prepared<[string], ApiKeyRow>(db, 'SELECT * FROM api_keys WHERE site_id = ? ORDER BY created_at, id').all(siteId).map(toApiKey);
}

/** The active key matching this secret, or null; the digest comparison is constant-time. */
export function findActiveApiKey(db: Db, key: string): ApiKey | null {
  const digest = sha256Hex(key);
  const row = prepared<[string], ApiKeyRow>(db, 'SELECT * FROM api_keys WHERE key_hash = ?').get(digest);
  if (!row || !sameDigest(row.key_hash, digest) || row.revoked_at !== null) return null;
  return toApiKey(row);
}

export function revokeApiKey(db: Db, id: string, siteId?: string, now = Date.now()): boolean {
  const sql = siteId
    ? 'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND site_id = ? AND revoked_at IS NULL'
    : 'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL';
  const args = siteId ? [now, id, siteId] : [now, id];
  return prepared(db, sql).run(...args).changes > 0;
}

export function touchApiKey(db: Db, id: string, now = Date.now()): void {
  prepared(db, 'UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(now, id);
}
