import type { Db } from './db.js';
import { prepared } from './prepared.js';

/** Maps an IP range (ipKey bounds, see resolve/ip.ts) to a company domain for a site. */
export function putIdentityRange(
  db: Db,
  input: { siteId: string; lo: string; hi: string; prefix: number; companyDomain: string; source: 'ingest' | 'identify' },
  now: number,
): void {
  prepared(
    db,
    `INSERT INTO identity_ranges (site_id, ip_lo, ip_hi, prefix, company_domain, source, created_at)
     VALUES (@siteId, @lo, @hi, @prefix, @companyDomain, @source, @now)
     ON CONFLICT (site_id, ip_lo, ip_hi) DO UPDATE SET company_domain = excluded.company_domain, source = excluded.source, created_at = excluded.created_at`,
  ).run({ ...input, now });
}

/**
 * The company domain the site's own identity data gives this address, or null.
 * The narrowest range wins, and an ingested mapping (a customer's own CRM) beats
 * one learned from an identify event at the same width.
 */
export function findIdentityDomain(db: Db, siteId: string, ipKey: string): string | null {
  const row = prepared<[string, string, string], { company_domain: string }>(
    db,
    `SELECT company_domain FROM identity_ranges
     WHERE site_id = ? AND ip_lo <= ? AND ip_hi >= ?
     ORDER BY prefix DESC, source = 'ingest' DESC, created_at DESC LIMIT 1`,
  ).get(siteId, ipKey, ipKey);
  return row?.company_domain ?? null;
}
