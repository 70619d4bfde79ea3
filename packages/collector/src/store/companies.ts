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

const upsertSql = `INSERT INTO companies (id, site_id, domain, name, industry, size, employee_count, revenue, city, region, country, linkedin_url, logo_url,
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
 RETURNING rowid, id, num`;

// The profile fields in the order of the `gaps` bits read below.
const profileFields = ['name', 'industry', 'size', 'employeeCount', 'revenue', 'city', 'region', 'country', 'linkedinUrl', 'logoUrl'] as const;

interface SeenRow {
  rowid: number;
  id: string;
  /** The company's number in page_view_rows and visitor_rows (migration 007). */
  num: number;
  first_seen: number | null;
  last_seen: number | null;
  /** Bit i set: profile field i is NULL in the row. */
  gaps: number;
}

function findSeenRow(db: Db, siteId: string, domain: string): SeenRow | undefined {
  return prepared<[string, string], SeenRow>(
    db,
    `SELECT rowid, id, num, first_seen, last_seen,
            (name IS NULL) | (industry IS NULL) << 1 | (size IS NULL) << 2 | (employee_count IS NULL) << 3 | (revenue IS NULL) << 4
            | (city IS NULL) << 5 | (region IS NULL) << 6 | (country IS NULL) << 7 | (linkedin_url IS NULL) << 8 | (logo_url IS NULL) << 9 AS gaps
     FROM companies WHERE site_id = ? AND domain = ?`,
  ).get(siteId, domain);
}

/** True when the profile would fill a field the row lacks. */
function fillsGap(row: SeenRow, profile: CompanyProfileInput): boolean {
  for (let i = 0; i < profileFields.length; i++) {
    if (row.gaps & (1 << i) && profile[profileFields[i]!] != null) return true;
  }
  return false;
}

/**
 * The company a page view resolved to: created if new, its empty fields filled from the
 * profile, its first and last seen moved. Baseline firmographics (the curated file, the
 * network's country) only fill empty fields: explicit values from ingest and webhooks win.
 * Only the columns that change are assigned: every assigned column that an index holds
 * rewrites that index's entry, even with the same value.
 */
function seeCompany(db: Db, siteId: string, profile: CompanyProfileInput, seenAt: number): { row: SeenRow; assign: string[]; created: boolean } {
  const row = findSeenRow(db, siteId, profile.domain);
  if (!row || fillsGap(row, profile)) {
    const upserted = prepared<[Record<string, unknown>], { rowid: number; id: string; num: number | null }>(db, upsertSql).get({
      id: newCompanyId(),
      siteId,
      ...profileParams(profile),
      seenAt,
    })!;
    // RETURNING shows the row before the AFTER INSERT trigger that numbers a new company.
    const num = upserted.num ?? prepared<[number], number>(db, 'SELECT num FROM companies WHERE rowid = ?').pluck(true).get(upserted.rowid)!;
    return { row: { ...upserted, num, first_seen: seenAt, last_seen: seenAt, gaps: 0 }, assign: [], created: !row };
  }
  const assign: string[] = [];
  if (row.last_seen === null || seenAt > row.last_seen) assign.push('last_seen = @seenAt');
  if (row.first_seen === null || seenAt < row.first_seen) assign.push('first_seen = @seenAt');
  return { row, assign, created: false };
}

/** Upserts the company a page view resolved to (see seeCompany) and returns its id. */
export function upsertSeenCompany(db: Db, siteId: string, profile: CompanyProfileInput, seenAt: number): string {
  const { row, assign } = seeCompany(db, siteId, profile, seenAt);
  if (assign.length > 0) prepared(db, `UPDATE companies SET ${assign.join(', ')} WHERE rowid = @rowid`).run({ seenAt, rowid: row.rowid });
  return row.id;
}

/**
 * A stored page view on its company, in one UPDATE of the row: seen (first, last), and,
 * unless a bot's, the running aggregates rescoring reads (page views, visitors, sessions,
 * engaged time, paths); a bot's is only counted in bot_page_views. Returns the company's id and number.
 */
export function recordCompanyPageView(
  db: Db,
  siteId: string,
  profile: CompanyProfileInput,
  view: { ts: number; visitorId: string; path: string; newSession: boolean; isBot: boolean; engagedMs: number },
): { id: string; num: number; created: boolean } {
  const { row, assign, created } = seeCompany(db, siteId, profile, view.ts);
  const params: Record<string, unknown> = { seenAt: view.ts, rowid: row.rowid };
  if (view.isBot) {
    assign.push('bot_page_views = bot_page_views + 1');
  } else {
    const newVisitor = prepared(db, 'INSERT OR IGNORE INTO company_visitors (company_id, visitor_id) VALUES (?, ?)').run(row.id, view.visitorId).changes;
    assign.push('page_views = page_views + 1');
    if (newVisitor) assign.push('visitor_count = visitor_count + 1');
    if (view.newSession || newVisitor) assign.push('sessions = sessions + 1');
    if (view.engagedMs) {
      assign.push('engaged_ms = engaged_ms + @engagedMs');
      params.engagedMs = view.engagedMs;
    }
    prepared(
      db,
      `INSERT INTO company_paths (company_id, path, views) VALUES (?, ?, 1)
       ON CONFLICT (company_id, path) DO UPDATE SET views = views + 1`,
    ).run(row.id, view.path);
  }
  prepared(db, `UPDATE companies SET ${assign.join(', ')} WHERE rowid = @rowid`).run(params);
  return { id: row.id, num: row.num, created };
}

/** Adds one non-bot page view to the company's running aggregates. */
export function addCompanyPageView(db: Db, companyId: string, input: { visitorId: string; path: string; newSession: boolean }): void {
  const newVisitor = prepared(db, 'INSERT OR IGNORE INTO company_visitors (company_id, visitor_id) VALUES (?, ?)').run(companyId, input.visitorId).changes;
  const sessions = input.newSession || newVisitor ? 1 : 0;
  // visitor_count is assigned only when it moves: its index entry is rewritten whenever it is.
  if (newVisitor) {
    prepared(db, 'UPDATE companies SET page_views = page_views + 1, visitor_count = visitor_count + 1, sessions = sessions + ? WHERE id = ?').run(sessions, companyId);
  } else {
    prepared(db, 'UPDATE companies SET page_views = page_views + 1, sessions = sessions + ? WHERE id = ?').run(sessions, companyId);
  }
  prepared(
    db,
    `INSERT INTO company_paths (company_id, path, views) VALUES (?, ?, 1)
     ON CONFLICT (company_id, path) DO UPDATE SET views = views + 1`,
  ).run(companyId, input.path);
}

export function addCompanyEngagement(db: Db, companyId: string, engagedMs: number): void {
  prepared(db, 'UPDATE companies SET engaged_ms = engaged_ms + ? WHERE id = ?').run(engagedMs, companyId);
}
