import type { Db } from './db.js';
import { newSiteId, newSiteKey, newWebhookSecret, sameDigest, sha256Hex } from './ids.js';
import { prepared } from './prepared.js';

export interface Site {
  id: string;
  name: string;
  siteKey: string;
  siteKeyRevoked: boolean;
  domains: string[];
  settings: Record<string, unknown>;
  createdAt: number;
}

interface SiteRow {
  id: string;
  name: string;
  site_key: string;
  site_key_revoked_at: number | null;
  settings: string;
  created_at: number;
}

function toSite(db: Db, row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    siteKey: row.site_key,
    siteKeyRevoked: row.site_key_revoked_at !== null,
    domains: listSiteDomains(db, row.id),
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

/** Creates a site; the webhook secret is returned once and stored only as a hash. */
export function createSite(db: Db, input: { name: string; domains: string[] }, now = Date.now()): { site: Site; webhookSecret: string } {
  const id = newSiteId();
  const webhookSecret = newWebhookSecret();
  db.transaction(() => {
    prepared(db, 'INSERT INTO sites (id, name, site_key, webhook_secret_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(
      id,
      input.name,
      newSiteKey(),
      sha256Hex(webhookSecret),
      now,
    );
    setSiteDomains(db, id, input.domains);
  })();
  return { site: getSite(db, id)!, webhookSecret };
}

export function getSite(db: Db, id: string): Site | null {
  const row = prepared<[string], SiteRow>(db, 'SELECT * FROM sites WHERE id = ?').get(id);
  return row ? toSite(db, row) : null;
}

export function getSiteByKey(db: Db, siteKey: string): Site | null {
  const row = prepared<[string], SiteRow>(db, 'SELECT * FROM sites WHERE site_key = ?').get(siteKey);
  return row ? toSite(db, row) : null;
}

export function listSites(db: Db): Site[] {
  return prepared<[], SiteRow>(db, 'SELECT * FROM sites ORDER BY created_at, id')
    .all()
    .map((row) => toSite(db, row));
}

export function listSiteDomains(db: Db, siteId: string): string[] {
  return prepared<[string], { domain: string }>(db, 'SELECT domain FROM site_domains WHERE site_id = ? ORDER BY domain')
    .all(siteId)
    .map((r) => r.domain);
}

export function setSiteDomains(db: Db, siteId: string, domains: string[]): void {
  db.transaction(() => {
    prepared(db, 'DELETE FROM site_domains WHERE site_id = ?').run(siteId);
    const insert = prepared(db, 'INSERT OR IGNORE INTO site_domains (site_id, domain) VALUES (?, ?)');
    for (const domain of domains) insert.run(siteId, domain);
  })();
}

export function revokeSiteKey(db: Db, siteId: string, now = Date.now()): boolean {
  return prepared(db, 'UPDATE sites SET site_key_revoked_at = ? WHERE id = ? AND site_key_revoked_at IS NULL').run(now, siteId).changes > 0;
}

/** Finds the site whose webhook secret this is, comparing digests in constant time. */
export function findSiteByWebhookSecret(db: Db, secret: string): Site | null {
  const digest = sha256Hex(secret);
  const row = prepared<[string], SiteRow & { webhook_secret_hash: string }>(db, 'SELECT * FROM sites WHERE webhook_secret_hash = ?').get(digest);
  return row && sameDigest(row.webhook_secret_hash, digest) ? toSite(db, row) : null;
}
