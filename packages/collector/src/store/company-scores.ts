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
  /** When the stored total can next change (migration 008): null never, 0 now. */
  scoreDue: number | null;
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
  scoreDue: number | null,
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
            c.lead_score, c.score_inputs, c.score_base, c.score_due
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
      scoreDue: row[15],
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

/** A changed score: the new total, its breakdown as JSON, the digest of its inputs, the base it decays from, when it is next due. */
export interface CompanyScoreWrite {
  rowid: number;
  score: number;
  breakdown: string;
  inputs: number;
  base: number;
  due: number | null;
  /** The watch-list entry that covers the company (its domain or a parent), or null (migration 016). */
  watchedDomain: string | null;
  /** What the score was computed from, when another connection read it (a ScorePlan's guard). */
  read?: ScoreGuard | undefined;
}

/** A due time moved while the stored score still holds; `read` as in CompanyScoreWrite. */
export interface CompanyScoreDue {
  rowid: number;
  due: number | null;
  read?: ScoreGuard | undefined;
}

/** A decay check's chunk, read and scored on one connection, to be stored by the writer's (saveScorePlan). */
export interface ScorePlan {
  writes: CompanyScoreWrite[];
  dues: CompanyScoreDue[];
  /** The clock the breakdowns were computed at. */
  scoredAt: number;
}

/** A site whose companies were all checked against `model` (recordScoreChecks). */
export interface SiteScoreCheck {
  siteId: string;
  model: string;
}

/**
 * Stores changed scores; `scoredAt` is the clock their breakdowns were computed at.
 * In rowid order: when most rows of a batch change, each page is then rewritten once,
 * front to back, rather than visited again for every row on it.
 */
export function saveCompanyScores(db: Db, writes: CompanyScoreWrite[], scoredAt: number): void {
  const update = prepared<[number, string, number, number, number, number | null, string | null, number]>(
    db,
    'UPDATE companies SET lead_score = ?, score_breakdown = ?, score_inputs = ?, score_base = ?, scored_at = ?, score_due = ?, watched_domain = ? WHERE rowid = ?',
  );
  writes.sort((a, b) => a.rowid - b.rowid);
  for (const write of writes) update.run(write.score, write.breakdown, write.inputs, write.base, scoredAt, write.due, write.watchedDomain, write.rowid);
}

/** Moves only when companies are next due: their stored scores still hold. */
export function saveCompanyScoreDues(db: Db, dues: Array<{ rowid: number; due: number | null }>): void {
  const update = prepared<[number | null, number]>(db, 'UPDATE companies SET score_due = ? WHERE rowid = ?');
  dues.sort((a, b) => a.rowid - b.rowid);
  for (const { rowid, due } of dues) update.run(due, rowid);
}

// The facts migration 008's trigger watches, and the digest a rescore by id writes: when any
// differs from what the plan read, the plan's score is stale and the company stays due.
const unchangedSince = `page_views = @pageViews AND engaged_ms = @engagedMs AND visitor_count = @visitors AND sessions = @sessions
  AND last_seen IS @lastSeen AND industry IS @industry AND size IS @size AND country IS @country AND score_inputs IS @scoreInputs`;

/** What a plan's score was computed from: the row is written only while these still hold. */
export type ScoreGuard = Pick<CompanyScoreInput, 'pageViews' | 'engagedMs' | 'visitors' | 'sessions' | 'lastSeen' | 'industry' | 'size' | 'country' | 'scoreInputs'>;
export const guardOf = (read: CompanyScoreInput): ScoreGuard => ({
  pageViews: read.pageViews,
  engagedMs: read.engagedMs,
  visitors: read.visitors,
  sessions: read.sessions,
  lastSeen: read.lastSeen,
  industry: read.industry,
  size: read.size,
  country: read.country,
  scoreInputs: read.scoreInputs,
});

/**
 * Stores `count` of a plan's writes and dues from `from` on, in rowid order (the writes, then
 * the dues), each only where the company is unchanged since the plan read it: a company a batch
 * changed meanwhile was made due by the trigger and is scored again by the next check. Returns
 * how many rows were left as they were.
 */
export function saveScorePlan(db: Db, plan: ScorePlan, from: number, count: number): number {
  const score = prepared<[Record<string, unknown>]>(
    db,
    `UPDATE companies SET lead_score = @score, score_breakdown = @breakdown, score_inputs = @inputs, score_base = @base, scored_at = @scoredAt,
       score_due = @due, watched_domain = @watchedDomain WHERE rowid = @rowid AND ${unchangedSince}`,
  );
  const due = prepared<[Record<string, unknown>]>(db, `UPDATE companies SET score_due = @due WHERE rowid = @rowid AND ${unchangedSince}`);
  let skipped = 0;
  const end = Math.min(from + count, plan.writes.length + plan.dues.length);
  for (let i = from; i < end; i++) {
    const write = plan.writes[i];
    const moved = plan.dues[i - plan.writes.length];
    const changes =
      write !== undefined
        ? score.run({
            ...write.read!,
            score: write.score,
            breakdown: write.breakdown,
            inputs: write.inputs,
            base: write.base,
            scoredAt: plan.scoredAt,
            due: write.due,
            watchedDomain: write.watchedDomain,
            rowid: write.rowid,
          }).changes
        : due.run({ ...moved!.read!, due: moved!.due, rowid: moved!.rowid }).changes;
    if (changes === 0) skipped++;
  }
  return skipped;
}

/** A place in the due order: companies come by when they are due, ties by rowid. */
export interface DueCursor {
  due: number;
  rowid: number;
}

/**
 * Up to `limit` companies due at `now` (score_due at or before it), after `after` in the
 * due order, through the companies_score_due index. Paging by the cursor rather than
 * from the start again means a company whose total turned out unchanged is not read
 * twice in one check, whatever its due time. Two statements, because SQLite seeks a row
 * value only by its first column: the rest of the cursor's due time by rowid, then the
 * later ones (many companies share the due time 0).
 */
export function listDueCompanies(db: Db, now: number, after: DueCursor, limit: number): DueCursor[] {
  const page =
    after.due <= now
      ? prepared<[number, number, number], DueCursor>(db, 'SELECT score_due AS due, rowid FROM companies WHERE score_due = ? AND rowid > ? ORDER BY rowid LIMIT ?').all(
          after.due,
          after.rowid,
          limit,
        )
      : [];
  if (page.length === limit) return page;
  return page.concat(
    prepared<[number, number, number], DueCursor>(
      db,
      'SELECT score_due AS due, rowid FROM companies WHERE score_due > ? AND score_due <= ? ORDER BY score_due, rowid LIMIT ?',
    ).all(after.due, now, limit - page.length),
  );
}

/** Up to `limit` companies of a site after the domain `after`, in domain order, through the (site_id, domain) key. */
export function listSiteCompanyPage(db: Db, siteId: string, after: string, limit: number): Array<{ rowid: number; domain: string }> {
  return prepared<[string, string, number], { rowid: number; domain: string }>(
    db,
    'SELECT rowid, domain FROM companies WHERE site_id = ? AND domain > ? ORDER BY domain LIMIT ?',
  ).all(siteId, after, limit);
}

/**
 * Every site, with the model its companies were last all checked against: null for a site
 * there was before migration 008 and not checked since, undefined for a site never checked.
 */
export function listSiteScoreChecks(db: Db): Array<{ siteId: string; model: string | null | undefined }> {
  return prepared<[], { siteId: string; known: number; model: string | null }>(
    db,
    'SELECT s.id AS siteId, c.site_id IS NOT NULL AS known, c.model FROM sites s LEFT JOIN score_checks c ON c.site_id = s.id ORDER BY s.id',
  )
    .all()
    .map((row) => ({ siteId: row.siteId, model: row.known ? row.model : undefined }));
}

/**
 * Every lead score of each site held at `checkedAt`, and its companies were all checked
 * against `model`. A site deleted since it was listed is left out.
 */
export function recordScoreChecks(db: Db, checks: readonly SiteScoreCheck[], checkedAt: number): void {
  const upsert = prepared<[number, string, string]>(
    db,
    `INSERT INTO score_checks (site_id, checked_at, model) SELECT id, ?, ? FROM sites WHERE id = ?
     ON CONFLICT (site_id) DO UPDATE SET checked_at = MAX(checked_at, excluded.checked_at), model = excluded.model`,
  );
  db.transaction(() => {
    for (const check of checks) upsert.run(checkedAt, check.model, check.siteId);
  })();
}

export function listSiteCompanyIds(db: Db, siteId: string): string[] {
  return prepared<[string], { id: string }>(db, 'SELECT id FROM companies WHERE site_id = ?')
    .all(siteId)
    .map((r) => r.id);
}

export function siteSettingsJson(db: Db, siteId: string): string | null {
  return prepared<[string], { settings: string }>(db, 'SELECT settings FROM sites WHERE id = ?').get(siteId)?.settings ?? null;
}
