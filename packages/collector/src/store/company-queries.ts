import type { Db } from './db.js';
import { prepared } from './prepared.js';

/** A companies row as the API reads it. */
export interface CompanyRow {
  id: string;
  site_id: string;
  domain: string;
  name: string | null;
  industry: string | null;
  size: string | null;
  employee_count: number | null;
  revenue: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  linkedin_url: string | null;
  logo_url: string | null;
  custom: string;
  first_seen: number | null;
  last_seen: number | null;
  visitor_count: number;
  page_views: number;
  sessions: number;
  engaged_ms: number;
  lead_score: number;
  score_breakdown: string | null;
  scored_at: number | null;
  created_at: number;
  updated_at: number;
}

/** The columns the company object is rendered from (the list reads no more: breakdowns are large). */
export type CompanyListRow = Pick<
  CompanyRow,
  | 'id'
  | 'domain'
  | 'name'
  | 'industry'
  | 'size'
  | 'employee_count'
  | 'revenue'
  | 'city'
  | 'region'
  | 'country'
  | 'linkedin_url'
  | 'logo_url'
  | 'first_seen'
  | 'last_seen'
  | 'visitor_count'
  | 'lead_score'
  | 'created_at'
>;
const listColumns =
  'id, domain, name, industry, size, employee_count, revenue, city, region, country, linkedin_url, logo_url, first_seen, last_seen, visitor_count, lead_score, created_at';

/**
 * Sort orders of the company list, by API name. Each ends in rowid so that
 * pages never overlap; the default one is exactly the companies_score index.
 */
const orders = {
  '-leadScore': 'lead_score DESC, last_seen DESC, rowid',
  leadScore: 'lead_score ASC, last_seen ASC, rowid',
  '-lastSeen': 'last_seen DESC, rowid',
  lastSeen: 'last_seen ASC, rowid',
  '-firstSeen': 'first_seen DESC, rowid',
  firstSeen: 'first_seen ASC, rowid',
  name: 'COALESCE(name, domain) COLLATE NOCASE ASC, rowid',
  '-name': 'COALESCE(name, domain) COLLATE NOCASE DESC, rowid',
  '-visitorCount': 'visitor_count DESC, lead_score DESC, rowid',
  visitorCount: 'visitor_count ASC, lead_score ASC, rowid',
} as const;

export type CompanySort = keyof typeof orders;
export const companySorts = Object.keys(orders) as CompanySort[];

export interface CompanyFilters {
  minScore?: number;
  /** Part of the name or domain, matched case-insensitively. */
  q?: string;
  industry?: string;
  country?: string;
  size?: string;
  seenAfter?: number;
  seenBefore?: number;
}

/** `%` and `_` in user text are literal: escaped for LIKE ... ESCAPE '\'. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function whereOf(filters: CompanyFilters): { sql: string; params: Record<string, unknown> } {
  const parts = ['site_id = @siteId'];
  const params: Record<string, unknown> = {};
  if (filters.minScore !== undefined) {
    parts.push('lead_score >= @minScore');
    params.minScore = filters.minScore;
  }
  if (filters.q !== undefined) {
    parts.push("(name LIKE @q ESCAPE '\\' OR domain LIKE @q ESCAPE '\\')");
    params.q = likePattern(filters.q);
  }
  if (filters.industry !== undefined) {
    parts.push('industry = @industry COLLATE NOCASE');
    params.industry = filters.industry;
  }
  if (filters.country !== undefined) {
    parts.push('country = @country COLLATE NOCASE');
    params.country = filters.country;
  }
  if (filters.size !== undefined) {
    parts.push('size = @size');
    params.size = filters.size;
  }
  if (filters.seenAfter !== undefined) {
    parts.push('last_seen >= @seenAfter');
    params.seenAfter = filters.seenAfter;
  }
  if (filters.seenBefore !== undefined) {
    parts.push('last_seen <= @seenBefore');
    params.seenBefore = filters.seenBefore;
  }
  return { sql: parts.join(' AND '), params };
}

/** With no filter but the score, the per-score counts the triggers keep (migration 003) answer at once. */
function countCompanies(db: Db, siteId: string, filters: CompanyFilters, where: { sql: string }, params: Record<string, unknown>): number {
  const onlyScore = Object.entries(filters).every(([key, value]) => key === 'minScore' || value === undefined);
  if (onlyScore) {
    return (
      prepared<[string, number], { n: number | null }>(db, 'SELECT SUM(n) AS n FROM company_score_counts WHERE site_id = ? AND lead_score >= ?').get(
        siteId,
        filters.minScore ?? -2_147_483_648,
      )!.n ?? 0
    );
  }
  return prepared<[Record<string, unknown>], { n: number }>(db, `SELECT COUNT(*) AS n FROM companies WHERE ${where.sql}`).get(params)!.n;
}

/** One page of a site's companies and the total that match. */
export function listCompanies(
  db: Db,
  siteId: string,
  filters: CompanyFilters,
  page: { limit: number; offset: number; sort: CompanySort },
): { rows: CompanyListRow[]; total: number } {
  const where = whereOf(filters);
  const params = { ...where.params, siteId };
  const total = countCompanies(db, siteId, filters, where, params);
  const rows =
    page.offset >= total
      ? []
      : prepared<[Record<string, unknown>], CompanyListRow>(
          db,
          `SELECT ${listColumns} FROM companies WHERE ${where.sql} ORDER BY ${orders[page.sort]} LIMIT @limit OFFSET @offset`,
        ).all({ ...params, limit: page.limit, offset: page.offset });
  return { rows, total };
}

export function getCompany(db: Db, siteId: string, id: string): CompanyRow | null {
  return prepared<[string, string], CompanyRow>(db, 'SELECT * FROM companies WHERE id = ? AND site_id = ?').get(id, siteId) ?? null;
}

export function getCompanyByDomain(db: Db, siteId: string, domain: string): CompanyRow | null {
  return prepared<[string, string], CompanyRow>(db, 'SELECT * FROM companies WHERE site_id = ? AND domain = ?').get(siteId, domain) ?? null;
}

/** The company's most viewed paths (non-bot views, from the running aggregates). */
export function listCompanyTopPaths(db: Db, companyId: string, limit: number): Array<{ path: string; views: number }> {
  return prepared<[string, number], { path: string; views: number }>(
    db,
    'SELECT path, views FROM company_paths WHERE company_id = ? ORDER BY views DESC, path LIMIT ?',
  ).all(companyId, limit);
}

/** Every company id of a site, for rescoring after the scoring model changed. */
export function listSiteCompanyIds(db: Db, siteId: string): string[] {
  return prepared<[string], { id: string }>(db, 'SELECT id FROM companies WHERE site_id = ?')
    .all(siteId)
    .map((r) => r.id);
}
