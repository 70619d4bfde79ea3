import type { Db } from './db.js';
import { prepared } from './prepared.js';

/** Intent reads at most this many paths of a company, its most viewed: patterns rarely match past them. */
export const MAX_SCORED_PATHS = 50;

/** What the scorer needs of one company, read from the running aggregates, with what is stored now. */
export interface CompanyScoreInput {
  rowid: number;
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
  /** The company's paths and views as SQLite folded them (null without any); companyPaths() reads them. */
  foldedPaths: string | null;
  leadScore: number;
  /** The digest of the inputs behind the stored breakdown; null before the first score. */
  scoreInputs: number | null;
  /** The undecayed points the stored total decays from; null before the first score. */
  scoreBase: number | null;
}

type Row = [
  rowid: number,
  siteId: string,
  domain: string,
  pageViews: number,
  engagedMs: number,
  visitors: number,
  sessions: number,
  lastSeen: number | null,
  industry: string | null,
  size: string | null,
  country: string | null,
  foldedPaths: string | null,
  leadScore: number,
  scoreInputs: number | null,
  scoreBase: number | null,
];

/**
 * The inputs of many companies, by id or by rowid, in one statement, a row each; unknown
 * companies are left out.
 *
 * Each company's paths come folded into one text by SQLite, because a row per path cost
 * more crossing into JavaScript than reading it: the view counts, comma-separated, then a
 * newline, then the paths as a JSON array. Counts hold no newline, so the first one splits
 * the two; paths may hold anything, so they stay JSON. Both aggregates see the rows in the
 * same order. The text is only parsed (companyPaths) when the company must be scored again.
 */
export function loadCompanyScoreInputs(db: Db, keys: readonly string[] | readonly number[]): CompanyScoreInput[] {
  if (keys.length === 0) return [];
  const rows = prepared<[string], Row>(
    db,
    `SELECT c.rowid, c.site_id, c.domain, c.page_views, c.engaged_ms, c.visitor_count, c.sessions, c.last_seen, c.industry, c.size, c.country,
            (SELECT group_concat(p.views) || char(10) || json_group_array(p.path) FROM company_paths p WHERE p.company_id = c.id),
            c.lead_score, c.score_inputs, c.score_base
       FROM companies c WHERE c.${typeof keys[0] === 'number' ? 'rowid' : 'id'} IN (SELECT value FROM json_each(?))`,
  )
    .raw(true)
    .all(JSON.stringify(keys));
  const inputs = new Array<CompanyScoreInput>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    inputs[i] = {
      rowid: row[0],
      siteId: row[1],
      domain: row[2],
      pageViews: row[3],
      engagedMs: row[4],
      visitors: row[5],
      sessions: row[6],
      lastSeen: row[7],
      industry: row[8],
      size: row[9],
      country: row[10],
      foldedPaths: row[11],
      leadScore: row[12],
      scoreInputs: row[13],
      scoreBase: row[14],
    };
  }
  return inputs;
}

/** The paths intent reads: all of them, or the MAX_SCORED_PATHS most viewed when there are more. */
export function companyPaths(db: Db, input: CompanyScoreInput): Array<{ path: string; views: number }> {
  const folded = input.foldedPaths;
  if (folded === null) return [];
  const split = folded.indexOf('\n');
  const views = folded.slice(0, split).split(',');
  if (views.length > MAX_SCORED_PATHS) return topPaths(db, input.rowid);
  const paths = JSON.parse(folded.slice(split + 1)) as string[];
  const list = new Array<{ path: string; views: number }>(views.length);
  for (let i = 0; i < views.length; i++) list[i] = { path: paths[i]!, views: Number(views[i]) };
  return list;
}

/** The few companies with more paths than intent reads: their most viewed, ties by path, as SQLite orders them. */
function topPaths(db: Db, rowid: number): Array<{ path: string; views: number }> {
  return prepared<[number, number], { path: string; views: number }>(
    db,
    'SELECT path, views FROM company_paths WHERE company_id = (SELECT id FROM companies WHERE rowid = ?) ORDER BY views DESC, path LIMIT ?',
  ).all(rowid, MAX_SCORED_PATHS);
}

/** A changed score: the new total, its breakdown as JSON, the digest of its inputs, the base it decays from. */
export interface CompanyScoreWrite {
  rowid: number;
  score: number;
  breakdown: string;
  inputs: number;
  base: number;
}

/**
 * Stores changed scores; `scoredAt` is the clock their breakdowns were computed at.
 * In rowid order: when most rows of a batch change, each page is then rewritten once,
 * front to back, rather than visited again for every row on it.
 */
export function saveCompanyScores(db: Db, writes: CompanyScoreWrite[], scoredAt: number): void {
  const update = prepared<[number, string, number, number, number, number]>(
    db,
    'UPDATE companies SET lead_score = ?, score_breakdown = ?, score_inputs = ?, score_base = ?, scored_at = ? WHERE rowid = ?',
  );
  writes.sort((a, b) => a.rowid - b.rowid);
  for (const write of writes) update.run(write.score, write.breakdown, write.inputs, write.base, scoredAt, write.rowid);
}

/**
 * The rows the decay check covers, in rowid order: companies with a page view (the others
 * score 0 whatever the clock) scored before `scoredBefore`, or never.
 */
export function listScoredCompanyRowids(db: Db, siteId: string, scoredBefore: number): number[] {
  return prepared<[string, number], number>(
    db,
    'SELECT rowid FROM companies WHERE site_id = ? AND page_views > 0 AND (scored_at IS NULL OR scored_at < ?) ORDER BY rowid',
  )
    .pluck(true)
    .all(siteId, scoredBefore);
}

/** Sites whose scores were last checked before `before`, or never. */
export function listSitesDueForScoreCheck(db: Db, before: number): string[] {
  return prepared<[number], string>(
    db,
    'SELECT s.id FROM sites s LEFT JOIN score_checks c ON c.site_id = s.id WHERE c.checked_at IS NULL OR c.checked_at < ? ORDER BY c.checked_at',
  )
    .pluck(true)
    .all(before);
}

/** Every scored company of the site was checked at `checkedAt` or later. */
export function recordScoreCheck(db: Db, siteId: string, checkedAt: number): void {
  prepared<[string, number]>(
    db,
    'INSERT INTO score_checks (site_id, checked_at) VALUES (?, ?) ON CONFLICT (site_id) DO UPDATE SET checked_at = MAX(checked_at, excluded.checked_at)',
  ).run(siteId, checkedAt);
}

export function listSiteCompanyIds(db: Db, siteId: string): string[] {
  return prepared<[string], { id: string }>(db, 'SELECT id FROM companies WHERE site_id = ?').all(siteId).map((r) => r.id);
}

export function siteSettingsJson(db: Db, siteId: string): string | null {
  return prepared<[string], { settings: string }>(db, 'SELECT settings FROM sites WHERE id = ?').get(siteId)?.settings ?? null;
}
