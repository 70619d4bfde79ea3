import type { Db } from './db.js';
import { prepared } from './prepared.js';

/** The domain an exact identity range (same bounds) maps to now, or null when the site has no such range. */
export function findIdentityRange(db: Db, siteId: string, lo: string, hi: string): { companyDomain: string; source: string } | null {
  const row = prepared<[string, string, string], { company_domain: string; source: string }>(
    db,
    'SELECT company_domain, source FROM identity_ranges WHERE site_id = ? AND ip_lo = ? AND ip_hi = ?',
  ).get(siteId, lo, hi);
  return row ? { companyDomain: row.company_domain, source: row.source } : null;
}
