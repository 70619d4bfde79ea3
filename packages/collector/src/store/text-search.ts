/**
 * ?q= on the companies and contacts lists: each word of q is the start of some word of the
 * row (its name, domain or email), all of them must match. The full-text tables
 * (company_search, contact_search) hold a row per company or contact, whose rowid is the
 * site's number times 2^40 plus the row's own rowid, so a site's matches are one rowid range.
 */

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
 * - walk: collects the matches' rowids once, then walks the list's index keeping them;
 * - probe: walks the list's index and asks the full-text index about each row in turn.
 */
export type SearchPlan = 'sorted' | 'walk' | 'probe';

/**
 * The cheaper plan for `matches` of `rows`, when the page needs the first `wanted` matches in
 * list order. A walk passes about wanted x rows / matches index entries. Collecting the
 * matches costs about one entry each; a probe seeks in every segment of the full-text index,
 * which an index grown row by row has many of: about five hundred entries.
 */
export function pickSearchPlan(matches: number, rows: number, wanted: number, probeable: boolean): SearchPlan {
  if (matches <= SORTED_SEARCH_MAX) return 'sorted';
  const passed = (wanted * rows) / Math.max(1, matches);
  if (probeable && passed * 500 < matches) return 'probe';
  return 'walk';
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
