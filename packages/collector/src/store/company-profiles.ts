import { profileParams, type CompanyProfileInput } from './companies.js';
import type { Db } from './db.js';
import { newCompanyId } from './ids.js';
import { companyTrustFields, trustBits, trustedSetList, type FieldSource } from './field-trust.js';
import { prepared } from './prepared.js';

/**
 * Upserts a company from an explicit source (POST /api/v1/ingest, the webhook).
 * Unlike upsertSeenCompany, a value sent here replaces the stored one: the
 * customer's own data is newer and better than the baseline enrichment. Absent
 * (or null) fields keep what is stored. `custom` is merged key by key
 * (JSON merge patch: a key sent as null is removed). From the public site key
 * (`source` 'site_key') a value never replaces a trusted one (field-trust.ts),
 * and custom keys are only added, never changed or removed.
 */
export function upsertExplicitCompany(
  db: Db,
  siteId: string,
  profile: CompanyProfileInput & { custom?: Record<string, unknown> },
  now: number,
  source: FieldSource = 'trusted',
): { id: string; created: boolean } {
  const existing = prepared<[string, string], { id: string }>(db, 'SELECT id FROM companies WHERE site_id = ? AND domain = ?').get(siteId, profile.domain);
  const params = profileParams(profile);
  const custom = source === 'trusted' ? (profile.custom ?? {}) : withoutNulls(profile.custom ?? {});
  const values = { siteId, ...params, custom: JSON.stringify(custom), now, trustBits: trustBits(companyTrustFields, params, source) };
  if (existing) {
    // A trusted source patches the stored custom fields; the site key's are patched over by them, so stored keys win.
    const customSql = source === 'trusted' ? 'json_patch(custom, @custom)' : 'json_patch(@custom, custom)';
    prepared(
      db,
      `UPDATE companies SET ${trustedSetList(companyTrustFields, source, (param) => `@${param}`)}, custom = ${customSql}, updated_at = @now
       WHERE site_id = @siteId AND domain = @domain`,
    ).run(values);
    return { id: existing.id, created: false };
  }
  const id = newCompanyId();
  prepared(
    db,
    `INSERT INTO companies (id, site_id, domain, name, industry, size, employee_count, revenue, city, region, country, linkedin_url, logo_url,
                            custom, trusted_fields, created_at, updated_at)
     VALUES (@id, @siteId, @domain, @name, @industry, @size, @employeeCount, @revenue, @city, @region, @country, @linkedinUrl, @logoUrl,
             json_patch('{}', @custom), @trustBits, @now, @now)`,
  ).run({ ...values, id });
  return { id, created: true };
}

/** The site key may add custom keys but not remove them: a null (remove) is left out. */
function withoutNulls(custom: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(custom)) {
    if (value !== null) Object.defineProperty(kept, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return kept;
}

/** The company with this domain, created bare (domain and optional name) if the site has none yet. */
export function ensureCompany(db: Db, siteId: string, domain: string, name: string | null, now: number): string {
  const existing = prepared<[string, string], { id: string }>(db, 'SELECT id FROM companies WHERE site_id = ? AND domain = ?').get(siteId, domain);
  if (existing) return existing.id;
  return upsertExplicitCompany(db, siteId, { domain, name }, now).id;
}
