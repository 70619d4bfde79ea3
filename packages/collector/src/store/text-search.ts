/**
 * ?q= on the companies and contacts lists: each word of q is the start of some word of the
 * row (its name, domain or email), all of them must match. The full-text tables
 * (company_search, contact_search) hold a row per company or contact, whose rowid is the
 * site's number times 2^40 plus the row's own rowid, so a site's matches are one rowid range.
 */

import type { Db } from './db.js';
import { prepared } from './prepared.js';

/** The longest word that a prefix index answers (migration 018 builds lengths 1 to 8). */
export const PREFIX_INDEX_MAX = 8;

/** A site's rowid range in a full-text table: 2^40 rowids a site. */
export const SITE_SPAN = 1_099_511_627_776;

/**
 * The FTS5 query for q: each word as a prefix. Null when q has no letter or digit, which
 * matches nothing. At most eight words: more narrow nothing a person types.
 */
export function textSearchQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words
    .slice(0, 8)
    .map((w) => `"${w}"*`)
    .join(' ');
}

/**
 * Whether every word of the query is answered by a prefix index: then testing one row
 * is a seek in one list of rows per word. A longer word is answered by merging the lists
 * of every indexed word it begins, which is cheap once but not once per row.
 */
export function answeredByPrefixIndexes(match: string): boolean {
  return [...match.matchAll(/"([^"]*)"\*/g)].every(([, word]) => [...word!].length <= PREFIX_INDEX_MAX);
}

/** A search sorts its matches when they are few (at most this many, by a LIMIT in the subquery). */
export const SORTED_SEARCH_MAX = 1_000;

/**
 * How a list with ?q= finds its page:
 * - sorted: reads every match's row and sorts them (only when there are few);
 * - walk: collects the matches' rowids in the query (an IN list), then walks the list's index keeping them;
 * - kept: collects the matches once into memory, which also counts them, then walks the list's index
 *   keeping them (a search with no other filter, whose matches are the total);
 * - probe: walks the list's index and asks the full-text index about each row in turn.
 */
export type SearchPlan = 'sorted' | 'walk' | 'kept' | 'probe';

/**
 * What each plan's steps cost, relative to one another: per match counted, collected into
 * memory (kept) or into an IN list, per index entry a walk passes with either, and per probe
 * and b-tree of the full-text index (a probe seeks in each).
 */
const costs = { count: 60, collect: 120, inList: 120, keptPass: 300, inPass: 100, probePerSegment: 7_000 };

/**
 * The cheapest plan for `matches` of `rows`, when the page needs the first `wanted` matches in
 * list order: a walk passes about wanted x rows / matches index entries. `alone`: the search is
 * the only filter, so its matches are the total, which a plan counts (kept does while collecting);
 * otherwise the total is counted apart. `segments`: the full-text index's b-trees.
 */
export function pickSearchPlan(matches: number, rows: number, wanted: number, probeable: boolean, alone = false, segments = 1): SearchPlan {
  if (matches <= SORTED_SEARCH_MAX) return 'sorted';
  const passed = (wanted * rows) / Math.max(1, matches);
  const count = alone ? costs.count * matches : 0;
  const plans: Array<[SearchPlan, number]> = [['walk', count + costs.inList * matches + costs.inPass * passed]];
  if (alone) plans.push(['kept', costs.collect * matches + costs.keptPass * passed]);
  if (probeable) plans.push(['probe', count + costs.probePerSegment * (segments + 1) * passed]);
  return plans.reduce((best, plan) => (plan[1] < best[1] ? plan : best))[0];
}

// better-sqlite3 binds a JavaScript number as a REAL, and FTS5 answers `MATCH ... AND rowid = <a REAL>`
// with rows that do not match: the site's number is made an integer before any rowid arithmetic.
const siteBase = `CAST(@site AS INTEGER) * ${SITE_SPAN}`;

/** The match condition in a site's rowid range of a full-text table (parameters @match, @site). */
export const searchRange = (table: string) => `${table} MATCH @match AND rowid >= ${siteBase} AND rowid < ${siteBase} + ${SITE_SPAN}`;

/** The site's matching rows' own rowids. */
export const searchRowids = (table: string) => `SELECT rowid - ${siteBase} FROM ${table} WHERE ${searchRange(table)}`;

/** Whether the row with rowid `column` matches: one seek in the full-text index. */
export const searchProbe = (table: string, column: string) => `EXISTS (SELECT 1 FROM ${table} WHERE ${table} MATCH @match AND rowid = ${siteBase} + ${column})`;

/**
 * A search's first matches, at most SORTED_SEARCH_MAX + 1: their count (the exact total when
 * at most SORTED_SEARCH_MAX), and an estimate of all the matches from how far into the
 * site's rowids the first ones reach (`lastRowid`: the table's highest rowid).
 */
export function sampleMatches(db: Db, table: string, params: { match: string; site: number }, lastRowid: number): { first: number; estimate: number } {
  const sample = prepared<[{ match: string; site: number }], { n: number; lo: number | null; hi: number | null }>(
    db,
    `SELECT COUNT(*) AS n, min(r) AS lo, max(r) AS hi FROM (SELECT rowid - ${siteBase} AS r FROM ${table} WHERE ${searchRange(table)} LIMIT ${SORTED_SEARCH_MAX + 1})`,
  ).get(params)!;
  if (sample.n <= SORTED_SEARCH_MAX || sample.lo === null || sample.hi === null) return { first: sample.n, estimate: sample.n };
  // Rows are numbered as they arrive, so the first matches' share of the rowids stands for all of them.
  return { first: sample.n, estimate: Math.max(sample.n, Math.round(((sample.n - 1) * (lastRowid - sample.lo)) / Math.max(1, sample.hi - sample.lo))) };
}

/**
 * The plan and the exact total of a search that is a list's only filter, whose matches are
 * the total: counted by whichever pass its plan makes over them (the sample when few, the
 * collection when kept, else `count`). `rowsTable` numbers the rows the index points at;
 * `rows` is how many the list holds.
 */
export function planSearchAlone(
  db: Db,
  table: 'company_search' | 'contact_search',
  rowsTable: 'companies' | 'contacts',
  params: { match: string; site: number },
  rows: number,
  wanted: number,
  count: () => number,
): { plan: SearchPlan; total: number } {
  const lastRowid = prepared<[], number | null>(db, `SELECT max(rowid) FROM ${rowsTable}`).pluck(true).get() ?? 0;
  const sample = sampleMatches(db, table, params, lastRowid);
  const probeable = answeredByPrefixIndexes(params.match);
  const segments = probeable && sample.first > SORTED_SEARCH_MAX ? searchSegments(db, table) : 1;
  const plan = pickSearchPlan(sample.estimate, rows, wanted, probeable, true, segments);
  const total = plan === 'sorted' ? sample.first : plan === 'kept' ? collectMatches(db, table, params) : count();
  return { plan, total };
}

/** The rows a `kept` plan keeps: their own rowids ascending, read once per page by the walk's SQL function. */
interface Kept {
  rowids: Float64Array;
}
const keptOf = new WeakMap<Db, Kept>();

/** The SQL function that says whether a row is among the collected matches (one binary search). */
export const KEPT_FUNCTION = 'cv_search_kept';

function keptOn(db: Db): Kept {
  let kept = keptOf.get(db);
  if (!kept) {
    const state: Kept = { rowids: new Float64Array(0) };
    db.function(KEPT_FUNCTION, { deterministic: false, directOnly: true }, (rowid: unknown) => (has(state.rowids, Number(rowid)) ? 1 : 0));
    keptOf.set(db, state);
    kept = state;
  }
  return kept;
}

function has(sorted: Float64Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted[mid]!;
    if (at === value) return true;
    if (at < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Collects a search's matches in one pass over the full-text index, as one text of rowids
 * (a row each through better-sqlite3 costs several times more), for the `kept` plan's SQL
 * function on this connection. Returns how many match: the search's total.
 */
export function collectMatches(db: Db, table: string, params: { match: string; site: number }): number {
  const kept = keptOn(db);
  const text = prepared<[{ match: string; site: number }], Buffer | null>(
    db,
    `SELECT CAST(group_concat(rowid - ${siteBase}) AS BLOB) FROM ${table} WHERE ${searchRange(table)}`,
  )
    .pluck(true)
    .get(params);
  kept.rowids = parseRowids(text ?? Buffer.alloc(0));
  return kept.rowids.length;
}

/** Comma-separated decimal rowids into an ascending array (the full-text index yields them ascending). */
export function parseRowids(text: Uint8Array): Float64Array {
  if (text.length === 0) return new Float64Array(0);
  // Room for one-digit rowids; only the rowids read are kept.
  const out = new Float64Array(Math.ceil((text.length + 1) / 2));
  let n = 0;
  let value = 0;
  let sorted = true;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 44 : text[i]!;
    if (c !== 44) {
      value = value * 10 + (c - 48);
      continue;
    }
    if (n > 0 && value < out[n - 1]!) sorted = false;
    out[n++] = value;
    value = 0;
  }
  const rowids = out.slice(0, n);
  return sorted ? rowids : rowids.sort();
}

/** Whether the row with rowid `column` is among the matches collectMatches last collected on this connection. */
export const searchKept = (column: string) => `${KEPT_FUNCTION}(${column}) = 1`;

/**
 * How many b-trees (segments) a full-text index is split into: a probe seeks in each.
 * FTS5's %_idx table holds a row per leaf page keyed by segment, so this is one seek a segment.
 */
export function searchSegments(db: Db, table: 'company_search' | 'contact_search'): number {
  return prepared<[], number>(
    db,
    `WITH RECURSIVE seg(id) AS (SELECT min(segid) FROM ${table}_idx
       UNION ALL SELECT (SELECT min(segid) FROM ${table}_idx WHERE segid > seg.id) FROM seg WHERE seg.id IS NOT NULL)
     SELECT COUNT(id) FROM seg`,
  )
    .pluck(true)
    .get()!;
}
