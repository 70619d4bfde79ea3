import { profileParams, type CompanyProfileInput } from './companies.js';
import type { Db } from './db.js';
import { newCompanyId } from './ids.js';
import { prepared } from './prepared.js';

/**
 * Upserts a company from an explicit source (POST /api/v1/ingest, the webhook).
 * Unlike upsertSeenCompany, a value sent here replaces the stored one: the
 * customer's own data is newer and better than the baseline enrichment. Absent
 * (or null) fields keep what is stored. `custom` is merged key by key
 * (JSON merge patch: a key sent as null is removed).
 */
export function upsertExplicitCompany(
  db: Db,
  siteId: string,
  profile: CompanyProfileInput & { custom?: Record<string, unknown> },
  now: number,
): { id: string; created: boolean } {
  const existing = prepared<[string, string], { id: string }>(db, 'SELECT id FROM companies WHERE site_id = ? AND domain = ?').get(siteId, profile.domain);
  const values = { siteId, ...profileParams(profile), custom: JSON.stringify(profile.custom ?? {}), now };
  if (existing) {
    prepared(
      db,
      `UPDATE companies SET
         name = COALESCE(@name, name), industry = COALESCE(@industry, industry), size = COALESCE(@size, size),
         employee_count = COALESCE(@employeeCount, employee_count), revenue = COALESCE(@revenue, revenue),
         city = COALESCE(@city, city), region = COALESCE(@region, region), country = COALESCE(@country, country),
         linkedin_url = COALESCE(@linkedinUrl, linkedin_url), logo_url = COALESCE(@logoUrl, logo_url),
         custom = json_patch(custom, @custom), updated_at = @now
       WHERE site_id = @siteId AND domain = @domain`,
    ).run(values);
    return { id: existing.id, created: false };
  }
  const id = newCompanyId();
  prepared(
    db,
    `INSERT INTO companies (id, site_id, domain, name, industry, size, employee_count, revenue, city, region, country, linkedin_url, logo_url,
                            custom, created_at, updated_at)
     VALUES (@id, @siteId, @domain, @name, @industry, @size, @employeeCount, @revenue, @city, @region, @country, @linkedinUrl, @logoUrl,
             json_patch('{}', @custom), @now, @now)`,
  ).run({ ...values, id });
  return { id, created: true };
}

/** The company with this domain, created bare (domain and optional name) if the site has none yet. */
export function ensureCompany(db: Db, siteId: string, domain: string, name: string | null, now: number): string {
  const existing = prepared<[string, string], { id: string }>(db, 'SELECT id FROM companies WHERE site_id = ? AND domain = ?').get(siteId, domain);
  if (existing) return existing.id;
  return upsertExplicitCompany(db, siteId, { domain, name }, now).id;
}
