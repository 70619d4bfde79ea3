import type { Db } from './db.js';
import { prepared } from './prepared.js';

/**
 * The insight rollups of migration 011, kept by a follower: it reads the page views after
 * its watermark, sums them in memory and writes each key once, in one transaction with the
 * new watermark. Page views counted earlier whose company changed (resolved late) or that
 * were deleted come through insight_changes, written by triggers in the same transaction as
 * the change: their sightings are recounted from the raw rows.
 */

export const quarterMs = 900_000;
export const dayMs = 86_400_000;
const grains = [quarterMs, dayMs] as const;

interface PageViewRow {
  id: number;
  site: number;
  visitor: number;
  session_id: string;
  ts: number;
  is_bot: number;
  company: number | null;
  path: string;
  title: string | null;
  referrer_domain: string | null;
}

interface ChangeRow {
  id: number;
  pv: number;
  site: number;
  visitor: number;
  path: string;
  ts: number;
  company: number | null;
}

/** Sums keyed by a string, written once each at the end of a slice. */
class Sums {
  readonly map = new Map<string, number>();
  add(key: string, n: number): void {
    this.map.set(key, (this.map.get(key) ?? 0) + n);
  }
}

/** One slice's work: in-memory sums, then one write per key. */
class Slice {
  readonly pathViews = new Sums();
  readonly referrers = new Sums();
  readonly quarters = new Sums();
  readonly titles = new Map<string, { ts: number; title: string }>();
  /** Latest sighting per pair, from the page views read. */
  readonly visitorSeen = new Map<string, number>();
  readonly companySeen = new Map<string, number>();
  readonly pathSeen = new Map<string, number>();
  /** Mark moves: site|company|grain|bucket -> [companies, visitors]. */
  readonly marks = new Map<string, [number, number]>();
  /** Page mark moves: site|grain|bucket|path -> [companies, score sum]. */
  readonly pathMarks = new Map<string, [number, number]>();

  constructor(readonly db: Db) {}

  pathMark(site: number, path: string, ts: number | null, score: number, sign: 1 | -1): void {
    if (ts === null) return;
    for (let g = 0; g < grains.length; g++) {
      const key = `${site}|${g}|${Math.floor(ts / grains[g]!)}|${path}`;
      let entry = this.pathMarks.get(key);
      if (!entry) this.pathMarks.set(key, (entry = [0, 0]));
      entry[0] += sign;
      entry[1] += sign * score;
    }
  }

  mark(site: number, company: number, ts: number | null, kind: 0 | 1, sign: 1 | -1): void {
    if (ts === null) return;
    for (let g = 0; g < grains.length; g++) {
      const key = `${site}|${company}|${g}|${Math.floor(ts / grains[g]!)}`;
      let entry = this.marks.get(key);
      if (!entry) this.marks.set(key, (entry = [0, 0]));
      entry[kind] += sign;
    }
  }
}

const max = (map: Map<string, number>, key: string, ts: number) => {
  const known = map.get(key);
  if (known === undefined || ts > known) map.set(key, ts);
};

/** Adds one page view read in id order to the slice. */
function readPageView(db: Db, slice: Slice, row: PageViewRow): void {
  // Bots never count in insights.
  if (row.is_bot) return;
  const site = row.site;
  for (let g = 0; g < grains.length; g++) {
    const bucket = Math.floor(row.ts / grains[g]!);
    slice.pathViews.add(`${site}|${g}|${bucket}|${row.path}`, 1);
  }
  slice.quarters.add(`${site}|${Math.floor(row.ts / quarterMs)}`, 1);
  if (row.title) {
    const key = `${site}|${row.path}`;
    const known = slice.titles.get(key);
    if (!known || row.ts >= known.ts) slice.titles.set(key, { ts: row.ts, title: row.title });
  }
  // A visit is a page view with no earlier one in its session; only its referrer started it.
  if (row.referrer_domain && !startedEarlier(db, row)) {
    for (let g = 0; g < grains.length; g++) slice.referrers.add(`${site}|${g}|${Math.floor(row.ts / grains[g]!)}|${row.referrer_domain}`, 1);
  }
  if (row.company !== null) {
    max(slice.visitorSeen, `${site}|${row.company}|${row.visitor}`, row.ts);
    max(slice.companySeen, `${site}|${row.company}`, row.ts);
    max(slice.pathSeen, `${site}|${row.company}|${row.path}`, row.ts);
  }
}

function startedEarlier(db: Db, row: PageViewRow): boolean {
  return (
    prepared<[number, string, number], number>(
      db,
      'SELECT 1 FROM page_view_rows INDEXED BY page_view_rows_visitor WHERE visitor = ? AND session_id = ? AND id < ? LIMIT 1',
    )
      .pluck(true)
      .get(row.visitor, row.session_id, row.id) !== undefined
  );
}

function splitKey(key: string): string[] {
  return key.split('|');
}

/** Moves the stored latest sightings forward to the slice's, recording the mark moves. */
function foldSightings(db: Db, slice: Slice): void {
  for (const [key, ts] of slice.visitorSeen) {
    const [site, company, visitor] = splitKey(key).map(Number) as [number, number, number];
    const known = prepared<[number, number, number], number>(db, 'SELECT last_ts FROM insight_company_visitors WHERE site = ? AND company = ? AND visitor = ?')
      .pluck(true)
      .get(site, company, visitor);
    setVisitorSeen(db, slice, site, company, visitor, known ?? null, known === undefined || ts > known ? ts : known);
  }
  for (const [key, ts] of slice.companySeen) {
    const [site, company] = splitKey(key).map(Number) as [number, number];
    const known = prepared<[number, number], number>(db, 'SELECT last_ts FROM insight_company_last WHERE site = ? AND company = ?').pluck(true).get(site, company);
    setCompanySeen(db, slice, site, company, known ?? null, known === undefined || ts > known ? ts : known);
  }
  for (const [key, ts] of slice.pathSeen) {
    const parts = splitKey(key);
    const site = Number(parts[0]);
    const company = Number(parts[1]);
    const path = parts.slice(2).join('|');
    const known = prepared<[number, string, number], number>(db, 'SELECT last_ts FROM insight_path_companies WHERE site = ? AND path = ? AND company = ?')
      .pluck(true)
      .get(site, path, company);
    setPathSeen(db, slice, site, path, company, known ?? null, known === undefined || ts > known ? ts : known);
  }
}

/** The company's lead score now, or null when it was erased (its sightings then count nowhere). */
function scoreOf(db: Db, company: number): number | null {
  return prepared<[number], number>(db, 'SELECT lead_score FROM companies WHERE num = ?').pluck(true).get(company) ?? null;
}

function setPathSeen(db: Db, slice: Slice, site: number, path: string, company: number, before: number | null, after: number | null): void {
  if (before === after) return;
  const score = scoreOf(db, company);
  if (score === null) return;
  slice.pathMark(site, path, before, score, -1);
  slice.pathMark(site, path, after, score, 1);
  if (after === null) prepared(db, 'DELETE FROM insight_path_companies WHERE site = ? AND path = ? AND company = ?').run(site, path, company);
  else
    prepared(
      db,
      `INSERT INTO insight_path_companies (site, path, company, last_ts) VALUES (?, ?, ?, ?)
       ON CONFLICT (site, path, company) DO UPDATE SET last_ts = excluded.last_ts`,
    ).run(site, path, company, after);
}

function setVisitorSeen(db: Db, slice: Slice, site: number, company: number, visitor: number, before: number | null, after: number | null): void {
  if (before === after) return;
  slice.mark(site, company, before, 1, -1);
  slice.mark(site, company, after, 1, 1);
  if (after === null) prepared(db, 'DELETE FROM insight_company_visitors WHERE site = ? AND company = ? AND visitor = ?').run(site, company, visitor);
  else
    prepared(
      db,
      `INSERT INTO insight_company_visitors (site, company, visitor, last_ts) VALUES (?, ?, ?, ?)
       ON CONFLICT (site, company, visitor) DO UPDATE SET last_ts = excluded.last_ts`,
    ).run(site, company, visitor, after);
}

function setCompanySeen(db: Db, slice: Slice, site: number, company: number, before: number | null, after: number | null): void {
  if (before === after) return;
  slice.mark(site, company, before, 0, -1);
  slice.mark(site, company, after, 0, 1);
  if (after === null) prepared(db, 'DELETE FROM insight_company_last WHERE site = ? AND company = ?').run(site, company);
  else
    prepared(
      db,
      `INSERT INTO insight_company_last (site, company, last_ts) VALUES (?, ?, ?)
       ON CONFLICT (site, company) DO UPDATE SET last_ts = excluded.last_ts`,
    ).run(site, company, after);
}

/** Writes the slice's sums, one statement per key. */
function writeSlice(db: Db, slice: Slice): void {
  foldSightings(db, slice);
  for (const [key, n] of slice.pathViews.map) {
    const parts = splitKey(key);
    prepared(
      db,
      `INSERT INTO insight_path_views (site, grain, bucket, path, views) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (site, grain, bucket, path) DO UPDATE SET views = views + excluded.views`,
    ).run(Number(parts[0]), Number(parts[1]), Number(parts[2]), parts.slice(3).join('|'), n);
  }
  for (const [key, n] of slice.referrers.map) {
    const parts = splitKey(key);
    prepared(
      db,
      `INSERT INTO insight_referrers (site, grain, bucket, domain, visits) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (site, grain, bucket, domain) DO UPDATE SET visits = visits + excluded.visits`,
    ).run(Number(parts[0]), Number(parts[1]), Number(parts[2]), parts.slice(3).join('|'), n);
  }
  for (const [key, n] of slice.quarters.map) {
    const [site, bucket] = splitKey(key).map(Number) as [number, number];
    prepared(db, 'INSERT INTO insight_quarters (site, bucket, views) VALUES (?, ?, ?) ON CONFLICT (site, bucket) DO UPDATE SET views = views + excluded.views').run(
      site,
      bucket,
      n,
    );
  }
  for (const [key, { ts, title }] of slice.titles) {
    const parts = splitKey(key);
    prepared(
      db,
      `INSERT INTO insight_path_titles (site, path, ts, title) VALUES (?, ?, ?, ?)
       ON CONFLICT (site, path) DO UPDATE SET ts = excluded.ts, title = excluded.title WHERE excluded.ts >= ts`,
    ).run(Number(parts[0]), parts.slice(1).join('|'), ts, title);
  }
  for (const [key, [companies, scoreSum]] of slice.pathMarks) {
    if (companies === 0 && scoreSum === 0) continue;
    const parts = splitKey(key);
    prepared(
      db,
      `INSERT INTO insight_path_marks (site, grain, bucket, path, companies, score_sum) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (site, grain, bucket, path) DO UPDATE SET companies = companies + excluded.companies, score_sum = score_sum + excluded.score_sum`,
    ).run(Number(parts[0]), Number(parts[1]), Number(parts[2]), parts.slice(3).join('|'), companies, scoreSum);
  }
  for (const [key, [companies, visitors]] of slice.marks) {
    if (companies === 0 && visitors === 0) continue;
    const [site, company, grain, bucket] = splitKey(key).map(Number) as [number, number, number, number];
    prepared(
      db,
      `INSERT INTO insight_company_marks (site, company, grain, bucket, companies, visitors) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (site, company, grain, bucket) DO UPDATE SET companies = companies + excluded.companies, visitors = visitors + excluded.visitors`,
    ).run(site, company, grain, bucket, companies, visitors);
    // The segments follow the company's industry and size as they are now; a company erased
    // meanwhile has none, and its marks went with it.
    for (const facet of ['industry', 'size'] as const) {
      prepared(
        db,
        `INSERT INTO insight_segments (site, facet, value, grain, bucket, companies, visitors)
           SELECT @site, '${facet}', coalesce(${facet}, ''), @grain, @bucket, @companies, @visitors FROM companies WHERE num = @company
         ON CONFLICT (site, grain, bucket, facet, value) DO UPDATE SET companies = companies + excluded.companies, visitors = visitors + excluded.visitors`,
      ).run({ site, company, grain, bucket, companies, visitors });
    }
  }
}

/** Recounts the sightings a page view counted earlier took part in, from the raw rows as they are now. */
function recount(db: Db, slice: Slice, change: ChangeRow): void {
  const row = prepared<[number], { company: number | null }>(db, 'SELECT company FROM page_view_rows WHERE id = ?').get(change.pv);
  const companies = new Set<number>();
  if (change.company !== null) companies.add(change.company);
  if (row?.company != null) companies.add(row.company);
  for (const company of companies) {
    const visitorBefore =
      prepared<[number, number, number], number>(db, 'SELECT last_ts FROM insight_company_visitors WHERE site = ? AND company = ? AND visitor = ?')
        .pluck(true)
        .get(change.site, company, change.visitor) ?? null;
    const visitorNow =
      prepared<[number, number, number], number | null>(
        db,
        'SELECT max(ts) FROM page_view_rows INDEXED BY page_view_rows_visitor WHERE visitor = ? AND is_bot = 0 AND company = ? AND site = ?',
      )
        .pluck(true)
        .get(change.visitor, company, change.site) ?? null;
    setVisitorSeen(db, slice, change.site, company, change.visitor, visitorBefore, visitorNow);
    const companyBefore =
      prepared<[number, number], number>(db, 'SELECT last_ts FROM insight_company_last WHERE site = ? AND company = ?').pluck(true).get(change.site, company) ?? null;
    const companyNow =
      prepared<[number, number], number | null>(db, 'SELECT max(ts) FROM page_view_rows INDEXED BY page_view_rows_company WHERE site = ? AND company = ? AND is_bot = 0')
        .pluck(true)
        .get(change.site, company) ?? null;
    setCompanySeen(db, slice, change.site, company, companyBefore, companyNow);
    const pathBefore =
      prepared<[number, string, number], number>(db, 'SELECT last_ts FROM insight_path_companies WHERE site = ? AND path = ? AND company = ?')
        .pluck(true)
        .get(change.site, change.path, company) ?? null;
    const pathNow =
      prepared<[number, number, string], number | null>(
        db,
        'SELECT max(ts) FROM page_view_rows INDEXED BY page_view_rows_company WHERE site = ? AND company = ? AND is_bot = 0 AND path = ?',
      )
        .pluck(true)
        .get(change.site, company, change.path) ?? null;
    setPathSeen(db, slice, change.site, change.path, company, pathBefore, pathNow);
  }
}

/** Whether a site's page view up to this id is counted already (a rebuild in progress counts its own). */
function counted(db: Db, site: number, pv: number): boolean {
  const rebuild = prepared<[number], { upto: number; done_to: number }>(db, 'SELECT upto, done_to FROM insight_rebuilds WHERE site = ?').get(site);
  return !rebuild || pv <= rebuild.done_to || pv > rebuild.upto;
}

const selectAfter = `SELECT id, site, visitor, session_id, ts, is_bot, company, path, title, referrer_domain FROM page_view_rows`;

/**
 * One slice of the follower: the queued changes, then up to `limit` page views after the
 * watermark, in one transaction that also moves the watermark. Returns how many page views
 * and changes it read (0: caught up).
 */
export function followPageViews(db: Db, limit: number): number {
  return db
    .transaction(() => {
      const slice = new Slice(db);
      const changes = prepared<[number], ChangeRow>(db, 'SELECT id, pv, site, visitor, path, ts, company FROM insight_changes ORDER BY id LIMIT ?').all(limit);
      for (const change of changes) if (counted(db, change.site, change.pv)) recount(db, slice, change);
      if (changes.length > 0) prepared(db, 'DELETE FROM insight_changes WHERE id <= ?').run(changes[changes.length - 1]!.id);
      const from = prepared<[], number>(db, 'SELECT last_id FROM insight_progress WHERE id = 1').pluck(true).get()!;
      const rows = prepared<[number, number], PageViewRow>(db, `${selectAfter} WHERE id > ? ORDER BY id LIMIT ?`).all(from, Math.max(0, limit - changes.length));
      for (const row of rows) readPageView(db, slice, row);
      writeSlice(db, slice);
      if (rows.length > 0) prepared(db, 'UPDATE insight_progress SET last_id = ? WHERE id = 1').run(rows[rows.length - 1]!.id);
      return rows.length + changes.length;
    })
    .immediate();
}

/**
 * Starts a rebuild of one site: its rollups are emptied and, in the same transaction, the
 * page views the follower had counted become the rebuild's to count (rebuildSlice).
 */
export function startRebuild(db: Db, site: number): void {
  db.transaction(() => {
    for (const table of [
      'insight_path_views',
      'insight_path_titles',
      'insight_referrers',
      'insight_quarters',
      'insight_company_visitors',
      'insight_company_last',
      'insight_path_companies',
      'insight_path_marks',
      'insight_company_marks',
      'insight_segments',
    ]) {
      prepared(db, `DELETE FROM ${table} WHERE site = ?`).run(site);
    }
    const upto = prepared<[], number>(db, 'SELECT last_id FROM insight_progress WHERE id = 1').pluck(true).get()!;
    prepared(db, 'INSERT OR REPLACE INTO insight_rebuilds (site, upto, done_to) VALUES (?, ?, 0)').run(site, upto);
  }).immediate();
}

/** Counts up to `limit` more of the rebuilding site's page views; how many it read, 0 once the rebuild is done. */
export function rebuildSlice(db: Db, site: number, limit: number): number {
  return db
    .transaction(() => {
      const rebuild = prepared<[number], { upto: number; done_to: number }>(db, 'SELECT upto, done_to FROM insight_rebuilds WHERE site = ?').get(site);
      if (!rebuild) return 0;
      const rows = prepared<[number, number, number, number], PageViewRow>(
        db,
        // In id order, as the follower reads them: a visit is told by the page views before it.
        `${selectAfter} WHERE id > ? AND id <= ? AND site = ? AND is_bot = 0 ORDER BY id LIMIT ?`,
      ).all(rebuild.done_to, rebuild.upto, site, limit);
      if (rows.length === 0) {
        prepared(db, 'DELETE FROM insight_rebuilds WHERE site = ?').run(site);
        return 0;
      }
      const slice = new Slice(db);
      for (const row of rows) readPageView(db, slice, row);
      writeSlice(db, slice);
      prepared(db, 'UPDATE insight_rebuilds SET done_to = ? WHERE site = ?').run(rows[rows.length - 1]!.id, site);
      return rows.length;
    })
    .immediate();
}
