import type { Db } from './db.js';
import { siteNumber } from './keys.js';
import { afterKeySql, keyFits, keyParams, onSnapshot, pageOf, type KeyShape, type ListKey, type ListPage, type PageRequest } from './list-page.js';
import { prepared } from './prepared.js';
import {
  answeredByPrefixIndexes,
  pickSearchPlan,
  planSearchAlone,
  searchKept,
  searchProbe,
  searchRange as textSearchRange,
  searchRowids as textSearchRowids,
  SORTED_SEARCH_MAX,
  textSearchQuery,
  type SearchPlan,
} from './text-search.js';

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
  /** The watch-list entry covering the company, as its last scoring found it (migration 016). */
  watched_domain: string | null;
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
  | 'watched_domain'
  | 'created_at'
>;
/** The sort keys ride along for the cursor (migration 007's generated columns and the rowid). */
type KeyedCompanyRow = CompanyListRow & { seen_last: number; seen_first: number; list_name: string; rowid: number };
const listColumns =
  'id, domain, name, industry, size, employee_count, revenue, city, region, country, linkedin_url, logo_url, first_seen, last_seen, visitor_count, lead_score, watched_domain, created_at, seen_last, seen_first, list_name, rowid';

interface Order {
  index: string;
  /** The same order over the watched companies alone (migration 016's partial indexes). */
  watchedIndex: string;
  /** The sort key's columns, in the index's order; the rowid follows them in the index. */
  columns: ReadonlyArray<'lead_score' | 'seen_last' | 'seen_first' | 'list_name' | 'visitor_count'>;
  descending: boolean;
}

/**
 * Sort orders of the company list, by API name. Each is exactly one index of migration 007
 * (ascending columns, then the rowid), walked forwards or backwards, so no page sorts and a
 * cursor seeks straight to its place. Ties end in the rowid, so pages never overlap.
 */
const orders = {
  '-leadScore': { index: 'companies_score', watchedIndex: 'companies_watched_score', columns: ['lead_score', 'seen_last'], descending: true },
  leadScore: { index: 'companies_score', watchedIndex: 'companies_watched_score', columns: ['lead_score', 'seen_last'], descending: false },
  '-lastSeen': { index: 'companies_seen_last', watchedIndex: 'companies_watched_seen_last', columns: ['seen_last'], descending: true },
  lastSeen: { index: 'companies_seen_last', watchedIndex: 'companies_watched_seen_last', columns: ['seen_last'], descending: false },
  '-firstSeen': { index: 'companies_seen_first', watchedIndex: 'companies_watched_seen_first', columns: ['seen_first'], descending: true },
  firstSeen: { index: 'companies_seen_first', watchedIndex: 'companies_watched_seen_first', columns: ['seen_first'], descending: false },
  name: { index: 'companies_name', watchedIndex: 'companies_watched_name', columns: ['list_name'], descending: false },
  '-name': { index: 'companies_name', watchedIndex: 'companies_watched_name', columns: ['list_name'], descending: true },
  '-visitorCount': { index: 'companies_visitors', watchedIndex: 'companies_watched_visitors', columns: ['visitor_count'], descending: true },
  visitorCount: { index: 'companies_visitors', watchedIndex: 'companies_watched_visitors', columns: ['visitor_count'], descending: false },
} as const satisfies Record<string, Order>;

export type CompanySort = keyof typeof orders;
export const companySorts = Object.keys(orders) as CompanySort[];

/** The cursor of a sort: its key columns, then the rowid. */
export function companyKeyShape(sort: CompanySort): KeyShape {
  return [...orders[sort].columns.map((c) => (c === 'list_name' ? ('text' as const) : ('int' as const))), 'int'];
}

export interface CompanyFilters {
  minScore?: number;
  /** Words that start words of the name or the domain, matched case- and accent-insensitively. */
  q?: string;
  industry?: string;
  country?: string;
  size?: string;
  seenAfter?: number;
  seenBefore?: number;
  /** Only the companies the watch list covers (true), or only the others (false). */
  watched?: boolean;
}

/** Bounds a cursor makes redundant (see cursorBound): their terms are left out of the WHERE. */
interface Dropped {
  minScore?: boolean;
  seenLower?: boolean;
  seenUpper?: boolean;
}

function whereOf(filters: CompanyFilters, dropped: Dropped = {}): { sql: string; params: Record<string, unknown> } {
  const parts = ['site_id = @siteId'];
  const params: Record<string, unknown> = {};
  // Written as the partial indexes' own condition, so that SQLite may use them.
  if (filters.watched === true) parts.push('watched_domain IS NOT NULL');
  if (filters.watched === false) parts.push('watched_domain IS NULL');
  if (filters.minScore !== undefined && !dropped.minScore) {
    parts.push('lead_score >= @minScore');
    params.minScore = filters.minScore;
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
  // seen_last is 0 for a company never seen, which these filters leave out as they did when it was NULL.
  const lower = seenLowerBound(filters);
  if (lower !== null && !dropped.seenLower) {
    parts.push('seen_last >= @seenAfter');
    params.seenAfter = lower;
  }
  if (filters.seenBefore !== undefined && !dropped.seenUpper) {
    parts.push('seen_last <= @seenBefore');
    params.seenBefore = filters.seenBefore;
  }
  return { sql: parts.join(' AND '), params };
}

function seenLowerBound(filters: CompanyFilters): number | null {
  if (filters.seenAfter !== undefined) return Math.max(1, filters.seenAfter);
  return filters.seenBefore !== undefined ? 1 : null;
}

const compareKeys = (a: ListKey, b: ListKey) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
};

/**
 * A cursor and a filter bounding the order's first column from the same side (min_score
 * under an ascending score order, say) are folded into one row-value bound: given two,
 * SQLite may seek by neither and sort instead. The filter's term is then left out.
 */
function cursorBound(order: Order, filters: CompanyFilters, after: ListKey): { after: ListKey; dropped: Dropped } {
  const first = order.columns[0];
  const low = (bound: number): ListKey => [bound, ...order.columns.slice(1).map(() => Number.MIN_SAFE_INTEGER), Number.MIN_SAFE_INTEGER];
  const high = (bound: number): ListKey => [bound, ...order.columns.slice(1).map(() => Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER];
  if (first === 'lead_score' && !order.descending && filters.minScore !== undefined) {
    const floor = low(filters.minScore);
    return { after: compareKeys(after, floor) < 0 ? floor : after, dropped: { minScore: true } };
  }
  const lower = seenLowerBound(filters);
  if (first === 'seen_last' && !order.descending && lower !== null) {
    const floor = low(lower);
    return { after: compareKeys(after, floor) < 0 ? floor : after, dropped: { seenLower: true } };
  }
  if (first === 'seen_last' && order.descending && filters.seenBefore !== undefined) {
    const ceiling = high(filters.seenBefore);
    return { after: compareKeys(after, ceiling) > 0 ? ceiling : after, dropped: { seenUpper: true } };
  }
  return { after, dropped: {} };
}

const searchRange = textSearchRange('company_search');
const searchRowids = textSearchRowids('company_search');

export type CompanySearchPlan = 'none' | SearchPlan;

/**
 * The index a list walks: the order's own, or, for the score order with an industry, country
 * or size, that facet's index in score order (migration 014), which starts at the facet's
 * first company instead of passing every company of the others.
 */
function indexOf(order: Order, filters: CompanyFilters): string {
  if (order.index !== 'companies_score') return order.index;
  const facet = (['industry', 'country', 'size'] as const).find((f) => filters[f] !== undefined);
  return facet ? `companies_${facet}_score` : order.index;
}

/**
 * One list query: no search, a search whose few matches are sorted (at most
 * SORTED_SEARCH_MAX rows, by the LIMIT in its subquery), or a walk of the sort's index
 * that keeps the matches, collected first or probed row by row. Exported for the query-plan test.
 */
export function companyListSql(filters: CompanyFilters, sort: CompanySort, search: CompanySearchPlan, after: boolean, dropped: Dropped = {}): string {
  const order = orders[sort];
  const dir = order.descending ? 'DESC' : 'ASC';
  const where = [whereOf(filters, dropped).sql];
  if (after) where.push(afterKeySql([...order.columns, 'rowid'], order.descending));
  // Watched companies are few: their own index, whatever the other filters.
  let from = `companies INDEXED BY ${filters.watched === true ? order.watchedIndex : indexOf(order, filters)}`;
  if (search === 'sorted') {
    from = 'companies NOT INDEXED';
    where.push(`rowid IN (${searchRowids} LIMIT ${SORTED_SEARCH_MAX + 1})`);
  } else if (search === 'walk') {
    where.push(`rowid IN (${searchRowids})`);
  } else if (search === 'kept') {
    where.push(searchKept('rowid'));
  } else if (search === 'probe') {
    where.push(searchProbe('company_search', 'companies.rowid'));
  }
  return `SELECT ${listColumns} FROM ${from} WHERE ${where.join(' AND ')}
    ORDER BY ${order.columns.map((c) => `${c} ${dir}`).join(', ')}, rowid ${dir} LIMIT @limit OFFSET @offset`;
}

const onlyKeys = (filters: CompanyFilters, keys: ReadonlyArray<keyof CompanyFilters>) =>
  (Object.keys(filters) as Array<keyof CompanyFilters>).every((key) => filters[key] === undefined || keys.includes(key));

/**
 * The total that match, from kept counts where one answers: per score (company_score_counts,
 * migration 003), per industry, country or size and score (company_facet_counts), the
 * search index alone; a time window through companies_seen_last, which holds every column
 * it tests; other combinations row by row.
 */
function countCompanies(db: Db, siteId: string, site: number, filters: CompanyFilters, match: string | null): number {
  // The watched are few and have their own index: the others are all that match less them.
  if (filters.watched === false) {
    return countCompanies(db, siteId, site, { ...filters, watched: undefined }, match) - countCompanies(db, siteId, site, { ...filters, watched: true }, match);
  }
  if (filters.watched === true) {
    if (filters.q !== undefined && match === null) return 0;
    const where = whereOf(filters);
    const search = match === null ? '' : ` AND rowid IN (${searchRowids})`;
    return prepared<[Record<string, unknown>], number>(db, `SELECT COUNT(*) FROM companies INDEXED BY companies_watched_score WHERE ${where.sql}${search}`)
      .pluck(true)
      .get({ ...where.params, siteId, ...(match === null ? {} : { match, site }) })!;
  }
  const minScore = filters.minScore ?? -2_147_483_648;
  if (filters.q === undefined && onlyKeys(filters, ['minScore'])) {
    return (
      prepared<[string, number], number | null>(db, 'SELECT SUM(n) FROM company_score_counts WHERE site_id = ? AND lead_score >= ?').pluck(true).get(siteId, minScore) ??
      0
    );
  }
  if (filters.q === undefined) {
    for (const facet of ['industry', 'country', 'size'] as const) {
      const value = filters[facet];
      if (value === undefined || !onlyKeys(filters, ['minScore', facet])) continue;
      return (
        prepared<[string, string, string, number], number | null>(
          db,
          `SELECT SUM(n) FROM company_facet_counts WHERE site_id = ? AND facet = ? AND value = ${facet === 'size' ? '?' : 'lower(?)'} AND lead_score >= ?`,
        )
          .pluck(true)
          .get(siteId, facet, value, minScore) ?? 0
      );
    }
  }
  const where = whereOf(filters);
  if (filters.q !== undefined) {
    if (match === null) return 0;
    if (onlyKeys(filters, ['q']))
      return prepared<[Record<string, unknown>], number>(db, `SELECT COUNT(*) FROM company_search WHERE ${searchRange}`).pluck(true).get({ match, site })!;
    return prepared<[Record<string, unknown>], number>(db, `SELECT COUNT(*) FROM companies WHERE ${where.sql} AND rowid IN (${searchRowids})`)
      .pluck(true)
      .get({ ...where.params, siteId, match, site })!;
  }
  if (onlyKeys(filters, ['seenAfter', 'seenBefore'])) return countSeenWindow(db, siteId, seenLowerBound(filters)!, filters.seenBefore ?? Number.MAX_SAFE_INTEGER);
  // A window with a minimum score is counted in companies_score;
  // with an industry, country or size in companies_filters (with a window too, row by row).
  const index = onlyKeys(filters, ['seenAfter', 'seenBefore', 'minScore']) ? 'companies_score' : 'companies_filters';
  return prepared<[Record<string, unknown>], number>(db, `SELECT COUNT(*) FROM companies INDEXED BY ${index} WHERE ${where.sql}`)
    .pluck(true)
    .get({ ...where.params, siteId })!;
}

const HOUR = 3_600_000;

/**
 * Companies last seen in [lo, hi]: the whole hours between its ends from company_seen_hours
 * (migration 014), the partial hours at its ends counted in companies_seen_last, so the cost
 * follows the companies of two hours rather than of the window.
 */
function countSeenWindow(db: Db, siteId: string, lo: number, hi: number): number {
  const inRange = (from: number, to: number) =>
    from > to
      ? 0
      : prepared<[string, number, number], number>(db, 'SELECT COUNT(*) FROM companies INDEXED BY companies_seen_last WHERE site_id = ? AND seen_last BETWEEN ? AND ?')
          .pluck(true)
          .get(siteId, from, to)!;
  const first = Math.floor(lo / HOUR);
  const last = Math.floor(Math.min(hi, Number.MAX_SAFE_INTEGER) / HOUR);
  if (first === last) return inRange(lo, hi);
  const whole =
    prepared<[string, number, number], number | null>(db, 'SELECT SUM(n) FROM company_seen_hours WHERE site_id = ? AND hour > ? AND hour < ?')
      .pluck(true)
      .get(siteId, first, last) ?? 0;
  return inRange(lo, (first + 1) * HOUR - 1) + whole + inRange(last * HOUR, hi);
}

/** One page of a site's companies and the total that match. */
export function listCompanies(db: Db, siteId: string, filters: CompanyFilters, page: PageRequest & { sort: CompanySort }): ListPage<CompanyListRow> {
  const site = siteNumber(db, siteId);
  if (site === null) return { rows: [], total: 0, next: null };
  const order = orders[page.sort];
  const after = page.after && keyFits(page.after, companyKeyShape(page.sort)) ? page.after : null;
  const match = filters.q === undefined ? null : textSearchQuery(filters.q);
  return onSnapshot(db, () => {
    if (filters.q !== undefined && match === null) return { rows: [], total: 0, next: null };
    const wanted = (after ? 0 : page.offset) + page.limit;
    const companies = () => prepared<[string], number | null>(db, 'SELECT SUM(n) FROM company_score_counts WHERE site_id = ?').pluck(true).get(siteId) ?? 0;
    let search: CompanySearchPlan = 'none';
    let total: number;
    if (match !== null && onlyKeys(filters, ['q'])) {
      // A search alone: its matches are the total, counted by whichever pass the plan makes over them.
      ({ plan: search, total } = planSearchAlone(db, 'company_search', 'companies', { match, site }, companies(), wanted, () =>
        countCompanies(db, siteId, site, filters, match),
      ));
      if (!after && page.offset >= total) return { rows: [], total, next: null };
    } else {
      total = countCompanies(db, siteId, site, filters, match);
      if (!after && page.offset >= total) return { rows: [], total, next: null };
      if (match !== null) {
        // The matches of the search alone, whatever the other filters: what a walk keeps, or a sort reads.
        const matches = prepared<[Record<string, unknown>], number>(
          db,
          `SELECT COUNT(*) FROM (SELECT 1 FROM company_search WHERE ${searchRange} LIMIT ${SORTED_SEARCH_MAX + 1})`,
        )
          .pluck(true)
          .get({ match, site })!;
        search = pickSearchPlan(matches, companies(), wanted, answeredByPrefixIndexes(match));
      }
    }
    const bound = after ? cursorBound(order, filters, after) : null;
    const where = whereOf(filters, bound?.dropped);
    const rows = prepared<[Record<string, unknown>], KeyedCompanyRow>(db, companyListSql(filters, page.sort, search, bound !== null, bound?.dropped)).all({
      ...where.params,
      siteId,
      ...(match !== null ? { match, site } : {}),
      limit: page.limit + 1,
      offset: after ? 0 : page.offset,
      ...(bound ? keyParams(bound.after) : {}),
    });
    return pageOf(rows, page.limit, total, (row) => [...order.columns.map((c) => row[c]), row.rowid]);
  });
}

/**
 * A company's number in page_view_rows and visitor_rows, and its kept page-view counts (all,
 * and those flagged as bots; companies.page_views counts the others); null if the site has
 * no such company.
 */
export function findCompanyKey(db: Db, siteId: string, companyId: string): { num: number; pageViews: number; botPageViews: number } | null {
  return (
    prepared<[string, string], { num: number; pageViews: number; botPageViews: number }>(
      db,
      'SELECT num, page_views + bot_page_views AS pageViews, bot_page_views AS botPageViews FROM companies WHERE id = ? AND site_id = ?',
    ).get(companyId, siteId) ?? null
  );
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
