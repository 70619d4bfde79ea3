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

/** A 32-hex-digit address key with every bit after the first `bits` cleared: the low end of its /bits range. */
function maskKey(key: string, bits: number): string {
  const whole = bits >> 2;
  if (whole >= 32) return key;
  const rest = bits & 3;
  const nibble = rest === 0 ? '' : (parseInt(key[whole]!, 16) & ((0xf << (4 - rest)) & 0xf)).toString(16);
  return key.slice(0, whole) + nibble + '0'.repeat(32 - whole - nibble.length);
}

/**
 * The company domain the site's own identity data gives this address, or null.
 * The narrowest range wins, and an ingested mapping (a customer's own CRM) beats
 * one learned from an identify event at the same width.
 *
 * Ranges are CIDR blocks (parseCidr clears host bits, prefixes counted over the
 * 16-byte form), so the only range of prefix p that can hold the address starts
 * at the address masked to p bits. A site has few distinct prefixes: list them
 * with a loose index scan (one seek each, migration 003's index), then probe each,
 * longest first. A range scan on ip_lo <= key alone would read every range below
 * the address, which is the whole table for high addresses on a big site.
 */
export function findIdentityDomain(db: Db, siteId: string, ipKey: string, prefixes: readonly number[] = listIdentityPrefixes(db, siteId)): string | null {
  const probe = prepared<[string, number, string, string], { company_domain: string }>(
    db,
    `SELECT company_domain FROM identity_ranges
     WHERE site_id = ? AND prefix = ? AND ip_lo = ? AND ip_hi >= ?
     ORDER BY source = 'ingest' DESC, created_at DESC LIMIT 1`,
  );
  for (const x of prefixes) {
    if (x < 0 || x > 128) continue;
    const row = probe.get(siteId, x, maskKey(ipKey, x), ipKey);
    if (row) return row.company_domain;
  }
  return null;
}

/** The distinct range widths a site's identity data uses, longest first (none for most sites). */
export function listIdentityPrefixes(db: Db, siteId: string): number[] {
  return prepared<[{ siteId: string }], { x: number }>(
    db,
    `WITH RECURSIVE p(x) AS (
       SELECT MAX(prefix) FROM identity_ranges WHERE site_id = @siteId
       UNION ALL
       SELECT (SELECT MAX(prefix) FROM identity_ranges WHERE site_id = @siteId AND prefix < p.x) FROM p WHERE p.x IS NOT NULL)
     SELECT x FROM p WHERE x IS NOT NULL`,
  )
    .all({ siteId })
    .map((r) => r.x);
}
