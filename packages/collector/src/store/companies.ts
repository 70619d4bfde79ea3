import type { Db } from './db.js';
import { newCompanyId } from './ids.js';
import { prepared } from './prepared.js';

/** Firmographics as they arrive from a source; absent fields leave stored values alone. */
export interface CompanyProfileInput {
  domain: string;
  name?: string | null;
  industry?: string | null;
  size?: string | null;
  employeeCount?: number | null;
  revenue?: string | null;
  city?: string | null;
  region?: string | null;
  country?: string | null;
  linkedinUrl?: string | null;
  logoUrl?: string | null;
}

/** A profile as the named parameters the company statements bind; absent fields are NULL. */
export function profileParams(profile: CompanyProfileInput) {
  return {
    domain: profile.domain,
    name: profile.name ?? null,
    industry: profile.industry ?? null,
    size: profile.size ?? null,
    employeeCount: profile.employeeCount ?? null,
    revenue: profile.revenue ?? null,
    city: profile.city ?? null,
    region: profile.region ?? null,
    country: profile.country ?? null,
    linkedinUrl: profile.linkedinUrl ?? null,
    logoUrl: profile.logoUrl ?? null,
  };
}

/**
 * Upserts the company a page view resolved to. Baseline firmographics (the
 * curated file, the network's country) only fill empty fields: explicit values
 * from ingest and webhooks win. Returns the company id.
 */
export function upsertSeenCompany(db: Db, siteId: string, profile: CompanyProfileInput, seenAt: number): string {
  return prepared<unknown[], { id: string }>(
    db,
    `INSERT INTO companies (id, site_id, domain, name, industry, size, employee_count, revenue, city, region, country, linkedin_url, logo_url,
                            first_seen, last_seen, created_at, updated_at)
     VALUES (@id, @siteId, @domain, @name, @industry, @size, @employeeCount, @revenue, @city, @region, @country, @linkedinUrl, @logoUrl,
             @seenAt, @seenAt, @seenAt, @seenAt)
     ON CONFLICT (site_id, domain) DO UPDATE SET
       name = COALESCE(name, excluded.name),
       industry = COALESCE(industry, excluded.industry),
       size = COALESCE(size, excluded.size),
       employee_count = COALESCE(employee_count, excluded.employee_count),
       revenue = COALESCE(revenue, excluded.revenue),
       city = COALESCE(city, excluded.city),
       region = COALESCE(region, excluded.region),
       country = COALESCE(country, excluded.country),
       linkedin_url = COALESCE(linkedin_url, excluded.linkedin_url),
       logo_url = COALESCE(logo_url, excluded.logo_url),
       first_seen = MIN(COALESCE(first_seen, excluded.first_seen), excluded.first_seen),
       last_seen = MAX(COALESCE(last_seen, excluded.last_seen), excluded.last_seen)
     RETURNING id`,
  ).get({ id: newCompanyId(), siteId, ...profileParams(profile), seenAt })!.id;
}

/** Adds one non-bot page view to the company's running aggregates. */
export function addCompanyPageView(db: Db, companyId: string, input: { visitorId: string; path: string; newSession: boolean }): void {
  const newVisitor = prepared(db, 'INSERT OR IGNORE INTO company_visitors (company_id, visitor_id) VALUES (?, ?)').run(companyId, input.visitorId).changes;
  prepared(
    db,
    `UPDATE companies SET page_views = page_views + 1, visitor_count = visitor_count + @newVisitor,
       sessions = sessions + @newSession WHERE id = @companyId`,
  ).run({ companyId, newVisitor, newSession: input.newSession || newVisitor ? 1 : 0 });
  prepared(
    db,
    `INSERT INTO company_paths (company_id, path, views) VALUES (?, ?, 1)
     ON CONFLICT (company_id, path) DO UPDATE SET views = views + 1`,
  ).run(companyId, input.path);
}

export function addCompanyEngagement(db: Db, companyId: string, engagedMs: number): void {
  prepared(db, 'UPDATE companies SET engaged_ms = engaged_ms + ? WHERE id = ?').run(engagedMs, companyId);
}
