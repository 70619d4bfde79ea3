import type { Db } from './db.js';
import { prepared } from './prepared.js';

/** What the scorer needs of one company, read from the running aggregates. */
export interface CompanyScoreInput {
  id: string;
  siteId: string;
  domain: string;
  pageViews: number;
  engagedMs: number;
  visitors: number;
  sessions: number;
  lastSeen: number | null;
  industry: string | null;
  size: string | null;
  country: string | null;
  paths: Array<{ path: string; views: number }>;
}

interface Row {
  id: string;
  site_id: string;
  domain: string;
  page_views: number;
  engaged_ms: number;
  visitor_count: number;
  sessions: number;
  last_seen: number | null;
  industry: string | null;
  size: string | null;
  country: string | null;
}

const selectCompany = `SELECT id, site_id, domain, page_views, engaged_ms, visitor_count, sessions, last_seen, industry, size, country FROM companies`;

/**
 * The inputs of many companies in two queries (companies, then their paths)
 * rather than two a company: statement overhead dominated rescoring a big site.
 * The 50 most viewed paths of each are plenty for intent: patterns rarely match past them.
 */
export function loadCompanyScoreInputs(db: Db, companyIds: readonly string[]): CompanyScoreInput[] {
  if (companyIds.length === 0) return [];
  const ids = JSON.stringify(companyIds);
  const rows = prepared<[string], Row>(db, `${selectCompany} WHERE id IN (SELECT value FROM json_each(?))`).all(ids);
  const paths = new Map<string, Array<{ path: string; views: number }>>();
  for (const p of prepared<[string], { company_id: string; path: string; views: number }>(
    db,
    'SELECT company_id, path, views FROM company_paths WHERE company_id IN (SELECT value FROM json_each(?)) ORDER BY company_id, views DESC, path',
  ).iterate(ids)) {
    let list = paths.get(p.company_id);
    if (!list) paths.set(p.company_id, (list = []));
    if (list.length < 50) list.push({ path: p.path, views: p.views });
  }
  return rows.map((row) => ({
    id: row.id,
    siteId: row.site_id,
    domain: row.domain,
    pageViews: row.page_views,
    engagedMs: row.engaged_ms,
    visitors: row.visitor_count,
    sessions: row.sessions,
    lastSeen: row.last_seen,
    industry: row.industry,
    size: row.size,
    country: row.country,
    paths: paths.get(row.id) ?? [],
  }));
}


/** Companies whose stored score is older than `before`, oldest first: the decay job's work list. */
export function listStaleScoreIds(db: Db, before: number, limit: number): string[] {
  return prepared<[number, number], { id: string }>(
    db,
    'SELECT id FROM companies WHERE page_views > 0 AND (scored_at IS NULL OR scored_at < ?) ORDER BY scored_at LIMIT ?',
  )
    .all(before, limit)
    .map((r) => r.id);
}

export function listSiteCompanyIds(db: Db, siteId: string): string[] {
  return prepared<[string], { id: string }>(db, 'SELECT id FROM companies WHERE site_id = ?').all(siteId).map((r) => r.id);
}

export function saveCompanyScore(db: Db, companyId: string, score: number, breakdown: unknown, scoredAt: number): void {
  prepared(db, 'UPDATE companies SET lead_score = ?, score_breakdown = ?, scored_at = ? WHERE id = ?').run(score, JSON.stringify(breakdown), scoredAt, companyId);
}

export function siteSettingsJson(db: Db, siteId: string): string | null {
  return prepared<[string], { settings: string }>(db, 'SELECT settings FROM sites WHERE id = ?').get(siteId)?.settings ?? null;
}
