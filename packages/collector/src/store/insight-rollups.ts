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
      // A rebuilding site's page views up to its upto are the rebuild's to count.
      const rebuilds = new Map(
        prepared<[], { site: number; upto: number }>(db, 'SELECT site, upto FROM insight_rebuilds')
          .all()
          .map((r) => [r.site, r.upto]),
      );
      for (const row of rows) if (!(row.id <= (rebuilds.get(row.site) ?? 0))) readPageView(db, slice, row);
      writeSlice(db, slice);
      if (rows.length > 0) prepared(db, 'UPDATE insight_progress SET last_id = ? WHERE id = 1').run(rows[rows.length - 1]!.id);
      // A finished rebuild is forgotten once the follower has passed its page views.
      if (rebuilds.size > 0) prepared(db, 'DELETE FROM insight_rebuilds WHERE done_to >= upto AND upto <= (SELECT last_id FROM insight_progress WHERE id = 1)').run();
      return rows.length + changes.length;
    })
    .immediate();
}

/**
 * Starts a rebuild of one site: its rollups are emptied and, in the same transaction, every
 * page view of the site up to the newest becomes the rebuild's to count (rebuildSlice); the
 * follower skips them and counts the ones after. The follower's watermark moves past the
 * site's page views that no other site's precede, so that it does not read them only to
 * skip them.
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
    const last = prepared<[], number>(db, 'SELECT last_id FROM insight_progress WHERE id = 1').pluck(true).get()!;
    const upto = Math.max(last, prepared<[], number | null>(db, 'SELECT max(id) FROM page_view_rows').pluck(true).get() ?? 0);
    prepared(db, 'INSERT OR REPLACE INTO insight_rebuilds (site, upto, done_to) VALUES (?, ?, 0)').run(site, upto);
    // Up to the first other site's page view after it (the follower must read that one), the
    // page views past the watermark are this site's; another site's rebuild in progress may
    // have some of its own there, so then the watermark stays.
    const otherSite =
      prepared<[number, number, number], number | null>(db, 'SELECT min(id) FROM page_view_rows WHERE id > ? AND id <= ? AND site <> ?')
        .pluck(true)
        .get(last, upto, site) ?? null;
    const rebuilding = prepared<[number], number | null>(db, 'SELECT min(upto) FROM insight_rebuilds WHERE site <> ?').pluck(true).get(site);
    if (rebuilding === null) prepared(db, 'UPDATE insight_progress SET last_id = ? WHERE id = 1').run(otherSite === null ? upto : otherSite - 1);
  }).immediate();
}

/**
 * A rebuild slice's page views of the site (bots too: they can start a session), copied once
 * so that each rollup below reads them from memory; visit is 1 on a non-bot page view with
 * a referrer and no earlier page view in its session.
 */
const sliceTables = `CREATE TEMP TABLE IF NOT EXISTS insight_slice (
  id INTEGER PRIMARY KEY, visitor INTEGER NOT NULL, session_id TEXT NOT NULL, ts INTEGER NOT NULL, is_bot INTEGER NOT NULL,
  company INTEGER, path TEXT NOT NULL, title TEXT, referrer_domain TEXT, visit INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS temp.insight_slice_session ON insight_slice (visitor, session_id, id);
CREATE TEMP TABLE IF NOT EXISTS insight_sessions (visitor INTEGER NOT NULL, session_id TEXT NOT NULL, PRIMARY KEY (visitor, session_id)) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS insight_seen_visitors (company INTEGER NOT NULL, visitor INTEGER NOT NULL, last_ts INTEGER NOT NULL, PRIMARY KEY (company, visitor)) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS insight_seen_companies (company INTEGER PRIMARY KEY, last_ts INTEGER NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS insight_seen_paths (company INTEGER NOT NULL, path TEXT NOT NULL, last_ts INTEGER NOT NULL, PRIMARY KEY (company, path)) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS insight_finish (company INTEGER PRIMARY KEY)`;

/** The rebuild's working tables in this connection's memory, emptied when it starts and ends. */
const rebuildTemps = ['insight_sessions', 'insight_seen_visitors', 'insight_seen_companies', 'insight_seen_paths', 'insight_finish'];

/**
 * The sessions of the rebuilding site's page views counted so far (and their sightings), in
 * this connection's memory: telling a visit by looking up each page view's earlier ones in page_view_rows
 * reads rows all over the table, which costs most of a rebuild. Which rebuild and how far
 * the sessions go, per connection, so a slice never trusts another's.
 */
const sessionsKept = new WeakMap<Db, { site: number; doneTo: number }>();

/** Both grains as rows, to count a page view in each with one statement. */
const grainRows = `(SELECT 0 AS grain, ${quarterMs} AS ms UNION ALL SELECT 1, ${dayMs})`;

/**
 * The rebuild's set-based statements over one slice (temp.insight_slice): each rollup key is
 * written once with the slice's sum, as the follower does. Latest sightings gather in the
 * connection's memory and are stored, with the marks that count them, at the end
 * (finishStatements).
 */
const sliceStatements = [
  // A visit's earlier page views are in this slice or in the sessions of the slices before.
  `UPDATE temp.insight_slice SET visit = 1
    WHERE is_bot = 0 AND referrer_domain <> ''
      AND id = (SELECT min(e.id) FROM temp.insight_slice e WHERE e.visitor = insight_slice.visitor AND e.session_id = insight_slice.session_id)
      AND NOT EXISTS (SELECT 1 FROM temp.insight_sessions k WHERE k.visitor = insight_slice.visitor AND k.session_id = insight_slice.session_id)`,
  'INSERT OR IGNORE INTO temp.insight_sessions (visitor, session_id) SELECT visitor, session_id FROM temp.insight_slice',
  `INSERT INTO insight_path_views (site, grain, bucket, path, views)
     SELECT @site, g.grain, s.ts / g.ms, s.path, count(*) FROM temp.insight_slice s, ${grainRows} g WHERE s.is_bot = 0 GROUP BY g.grain, s.ts / g.ms, s.path
   ON CONFLICT (site, grain, bucket, path) DO UPDATE SET views = views + excluded.views`,
  `INSERT INTO insight_quarters (site, bucket, views)
     SELECT @site, ts / ${quarterMs}, count(*) FROM temp.insight_slice WHERE is_bot = 0 GROUP BY ts / ${quarterMs}
   ON CONFLICT (site, bucket) DO UPDATE SET views = views + excluded.views`,
  // The title of the latest page view of the path (SQLite gives max()'s row to a bare column).
  `INSERT INTO insight_path_titles (site, path, ts, title)
     SELECT @site, path, max(ts), title FROM temp.insight_slice WHERE is_bot = 0 AND title <> '' GROUP BY path
   ON CONFLICT (site, path) DO UPDATE SET ts = excluded.ts, title = excluded.title WHERE excluded.ts >= ts`,
  `INSERT INTO insight_referrers (site, grain, bucket, domain, visits)
     SELECT @site, g.grain, s.ts / g.ms, s.referrer_domain, count(*) FROM temp.insight_slice s, ${grainRows} g
      WHERE s.visit = 1 GROUP BY g.grain, s.ts / g.ms, s.referrer_domain
   ON CONFLICT (site, grain, bucket, domain) DO UPDATE SET visits = visits + excluded.visits`,
  // Latest sightings gather in memory and reach their tables at the end, a few companies at a
  // time (finishRebuildSlice): upserting each slice's into tables keyed in another order costs most of a slice.
  `INSERT INTO temp.insight_seen_visitors (company, visitor, last_ts)
     SELECT company, visitor, max(ts) FROM temp.insight_slice WHERE is_bot = 0 AND company IS NOT NULL GROUP BY company, visitor
   ON CONFLICT (company, visitor) DO UPDATE SET last_ts = max(last_ts, excluded.last_ts)`,
  `INSERT INTO temp.insight_seen_companies (company, last_ts)
     SELECT company, max(ts) FROM temp.insight_slice WHERE is_bot = 0 AND company IS NOT NULL GROUP BY company
   ON CONFLICT (company) DO UPDATE SET last_ts = max(last_ts, excluded.last_ts)`,
  `INSERT INTO temp.insight_seen_paths (company, path, last_ts)
     SELECT company, path, max(ts) FROM temp.insight_slice WHERE is_bot = 0 AND company IS NOT NULL GROUP BY company, path
   ON CONFLICT (company, path) DO UPDATE SET last_ts = max(last_ts, excluded.last_ts)`,
];

/**
 * A company's marks and pages summed into the segments and page marks, by `sign` (-1 to take
 * them out). CROSS JOIN keeps the few companies of temp.insight_finish the outer loop: the
 * planner, knowing nothing of a temp table's size, would walk every mark of the site instead.
 */
const finishSums = (sign: 1 | -1) => [
  `INSERT INTO insight_segments (site, facet, value, grain, bucket, companies, visitors)
     SELECT @site, f.facet, f.value, f.grain, f.bucket, ${sign} * sum(f.companies), ${sign} * sum(f.visitors) FROM (
       SELECT 'industry' AS facet, coalesce(c.industry, '') AS value, m.grain, m.bucket, m.companies, m.visitors
         FROM temp.insight_finish x CROSS JOIN insight_company_marks m ON m.site = @site AND m.company = x.company JOIN companies c ON c.num = m.company
       UNION ALL
       SELECT 'size', coalesce(c.size, ''), m.grain, m.bucket, m.companies, m.visitors
         FROM temp.insight_finish x CROSS JOIN insight_company_marks m ON m.site = @site AND m.company = x.company JOIN companies c ON c.num = m.company) f
     GROUP BY f.facet, f.value, f.grain, f.bucket
   ON CONFLICT (site, grain, bucket, facet, value) DO UPDATE SET companies = companies + excluded.companies, visitors = visitors + excluded.visitors`,
  `INSERT INTO insight_path_marks (site, grain, bucket, path, companies, score_sum)
     SELECT @site, g.grain, p.last_ts / g.ms, p.path, ${sign} * count(*), ${sign} * sum(c.lead_score)
       FROM temp.insight_finish x CROSS JOIN insight_path_companies p ON p.site = @site AND p.company = x.company JOIN companies c ON c.num = p.company, ${grainRows} g
      GROUP BY g.grain, p.last_ts / g.ms, p.path
   ON CONFLICT (site, grain, bucket, path) DO UPDATE SET companies = companies + excluded.companies, score_sum = score_sum + excluded.score_sum`,
];

/**
 * The end of a rebuild, for the companies in temp.insight_finish: their latest sightings
 * stored, and their marks made again from the sightings and the companies as they are now.
 * Their old marks leave the segments and page marks first and the new ones enter after, so
 * those sums stay right for every other company (the follower's, meanwhile, too). Erased
 * companies count nowhere.
 */
const finishStatements = [
  ...finishSums(-1),
  'DELETE FROM insight_company_marks WHERE site = @site AND company IN (SELECT company FROM temp.insight_finish)',
  // The follower may have stored later sightings meanwhile: the later of both stays.
  `INSERT INTO insight_company_visitors (site, company, visitor, last_ts)
     SELECT @site, s.company, s.visitor, s.last_ts FROM temp.insight_finish x CROSS JOIN temp.insight_seen_visitors s ON s.company = x.company
      WHERE EXISTS (SELECT 1 FROM companies c WHERE c.num = s.company)
   ON CONFLICT (site, company, visitor) DO UPDATE SET last_ts = max(last_ts, excluded.last_ts)`,
  `INSERT INTO insight_company_last (site, company, last_ts)
     SELECT @site, s.company, s.last_ts FROM temp.insight_finish x CROSS JOIN temp.insight_seen_companies s ON s.company = x.company
      WHERE EXISTS (SELECT 1 FROM companies c WHERE c.num = s.company)
   ON CONFLICT (site, company) DO UPDATE SET last_ts = max(last_ts, excluded.last_ts)`,
  `INSERT INTO insight_path_companies (site, path, company, last_ts)
     SELECT @site, s.path, s.company, s.last_ts FROM temp.insight_finish x CROSS JOIN temp.insight_seen_paths s ON s.company = x.company
      WHERE EXISTS (SELECT 1 FROM companies c WHERE c.num = s.company)
   ON CONFLICT (site, path, company) DO UPDATE SET last_ts = max(last_ts, excluded.last_ts)`,
  `INSERT INTO insight_company_marks (site, company, grain, bucket, companies, visitors)
     SELECT @site, company, grain, bucket, sum(companies), sum(visitors) FROM (
       SELECT l.company, g.grain, l.last_ts / g.ms AS bucket, 1 AS companies, 0 AS visitors
         FROM temp.insight_finish x CROSS JOIN insight_company_last l ON l.site = @site AND l.company = x.company, ${grainRows} g
       UNION ALL
       SELECT v.company, g.grain, v.last_ts / g.ms, 0, 1
         FROM temp.insight_finish x CROSS JOIN insight_company_visitors v ON v.site = @site AND v.company = x.company, ${grainRows} g)
     GROUP BY company, grain, bucket`,
  ...finishSums(1),
  'DELETE FROM temp.insight_seen_visitors WHERE company IN (SELECT company FROM temp.insight_finish)',
  'DELETE FROM temp.insight_seen_paths WHERE company IN (SELECT company FROM temp.insight_finish)',
  'DELETE FROM temp.insight_seen_companies WHERE company IN (SELECT company FROM temp.insight_finish)',
  'DELETE FROM temp.insight_finish',
];

/**
 * Counts the next slice of the rebuilding site's page views (ids up to `limit` past the
 * last slice's) in one transaction, set-based. Returns the page views counted, or null once
 * all are (then finishRebuildSlice stores the sightings and marks), or none is in progress.
 */
export function rebuildSlice(db: Db, site: number, limit: number): number | null {
  db.exec(sliceTables);
  return db
    .transaction(() => {
      const rebuild = prepared<[number], { upto: number; done_to: number }>(db, 'SELECT upto, done_to FROM insight_rebuilds WHERE site = ?').get(site);
      if (!rebuild || rebuild.done_to >= rebuild.upto) return null;
      const kept = sessionsKept.get(db) ?? { site, doneTo: 0 };
      if (rebuild.done_to === 0) for (const table of rebuildTemps) prepared(db, `DELETE FROM temp.${table}`).run();
      else if (kept.site !== site || kept.doneTo !== rebuild.done_to)
        throw new Error('a rollup rebuild continues only on the connection that started it: start it again');
      const to = Math.min(rebuild.upto, rebuild.done_to + limit);
      prepared(db, 'DELETE FROM temp.insight_slice').run();
      prepared<[number, number, number]>(
        db,
        `INSERT INTO temp.insight_slice (id, visitor, session_id, ts, is_bot, company, path, title, referrer_domain)
           SELECT id, visitor, session_id, ts, is_bot, company, path, title, referrer_domain FROM page_view_rows WHERE id > ? AND id <= ? AND site = ?`,
      ).run(rebuild.done_to, to, site);
      // Bots never count in insights.
      const read = prepared<[], number>(db, 'SELECT count(*) FROM temp.insight_slice WHERE is_bot = 0').pluck(true).get()!;
      for (const sql of sliceStatements) prepared(db, sql).run(sql.includes('@site') ? { site } : {});
      prepared(db, 'DELETE FROM temp.insight_slice').run();
      prepared(db, 'UPDATE insight_rebuilds SET done_to = ? WHERE site = ?').run(to, site);
      sessionsKept.set(db, { site, doneTo: to });
      return read;
    })
    .immediate();
}

/**
 * Ends a rebuild whose page views are all counted (rebuildSlice returned null) for up to
 * `companies` of the companies it saw, in one transaction (finishStatements). Returns how
 * many it finished, or null once none is left, when the rebuild's working tables are emptied.
 */
export function finishRebuildSlice(db: Db, site: number, companies: number): number | null {
  db.exec(sliceTables);
  return db
    .transaction(() => {
      const rebuild = prepared<[number], { upto: number; done_to: number }>(db, 'SELECT upto, done_to FROM insight_rebuilds WHERE site = ?').get(site);
      // Nothing counted on this connection: nothing to finish.
      const kept = sessionsKept.get(db);
      if (!kept) return null;
      // The follower forgets a rebuild whose page views are all counted once it has passed them.
      const counted = !rebuild || (rebuild.done_to >= rebuild.upto && rebuild.done_to === kept.doneTo);
      if (kept.site !== site || !counted) throw new Error('a rollup rebuild continues only on the connection that started it: start it again');
      const picked = prepared<[number]>(db, 'INSERT INTO temp.insight_finish (company) SELECT company FROM temp.insight_seen_companies ORDER BY company LIMIT ?').run(
        companies,
      ).changes;
      if (picked === 0) {
        for (const table of rebuildTemps) prepared(db, `DELETE FROM temp.${table}`).run();
        sessionsKept.delete(db);
        return null;
      }
      for (const sql of finishStatements) prepared(db, sql).run(sql.includes('@site') ? { site } : {});
      return picked;
    })
    .immediate();
}
