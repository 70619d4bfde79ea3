import { findCompanyKey } from './company-queries.js';
import type { Db } from './db.js';
import { siteNumber, unpackedSql } from './keys.js';
import { afterKeySql, keyFits, keyParams, onSnapshot, pageOf, type KeyShape, type ListPage, type PageRequest } from './list-page.js';
import { prepared } from './prepared.js';
import { findVisitorKey } from './visitor-queries.js';

export interface PageViewRow {
  pv_id: string;
  visitor_id: string;
  company_id: string | null;
  url: string;
  path: string;
  title: string | null;
  referrer: string | null;
  ts: number;
  engaged_ms: number;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  is_bot: number;
  source: string;
}

type KeyedPageViewRow = PageViewRow & { id: number };

// The columns as the page_views view shows them (migration 007): ids unpacked, the URL put back together.
const columns = `${unpackedSql('pv_id')} AS pv_id,
  (SELECT ${unpackedSql('v.visitor_id')} FROM visitor_rows v WHERE v.id = p.visitor) AS visitor_id,
  (SELECT c.id FROM companies c WHERE c.num = p.company) AS company_id,
  CASE WHEN p.origin IS NULL THEN url ELSE (SELECT o.origin FROM page_origins o WHERE o.num = p.origin) || path || COALESCE('?' || query, '') END AS url,
  path, title, referrer, ts, engaged_ms, browser, os, device, country, is_bot, COALESCE(source, 'tracker') AS source, id`;

/** A page-views cursor: the time, then the row's id. */
export const pageViewKeyShape: KeyShape = ['int', 'int'];

export interface PageViewFilters {
  companyId?: string;
  visitorId?: string;
  /** Inclusive lower bound, epoch ms. */
  since?: number;
  /** Exclusive upper bound, epoch ms. */
  until?: number;
  includeBots: boolean;
}

/** Page views are counted by the hour (page_view_counts); a time window's ends are counted row by row. */
const hourMs = 3_600_000;

/**
 * Each arm walks one index in the list's order, newest first: by visitor
 * (page_view_rows_visitor), by company (page_view_rows_company) or all of the site's
 * (page_view_rows_recent), each with the bot flag before the time; with bots the two
 * arms are merged in order, so no read sorts page views.
 */
function armSql(filters: PageViewFilters, bot: number, select: string): string {
  const parts: string[] = [];
  let from: string;
  if (filters.visitorId !== undefined) {
    from = 'page_view_rows AS p INDEXED BY page_view_rows_visitor';
    parts.push('visitor = @visitor', `is_bot = ${bot}`);
    if (filters.companyId !== undefined) parts.push('company = @company');
  } else if (filters.companyId !== undefined) {
    from = 'page_view_rows AS p INDEXED BY page_view_rows_company';
    parts.push('site = @site', 'company = @company', `is_bot = ${bot}`);
  } else {
    from = 'page_view_rows AS p INDEXED BY page_view_rows_recent';
    parts.push('site = @site', `is_bot = ${bot}`);
  }
  if (filters.since !== undefined) parts.push('ts >= @since');
  if (filters.until !== undefined) parts.push('ts < @until');
  return `SELECT ${select} FROM ${from} WHERE ${parts.join(' AND ')}`;
}

function listSql(filters: PageViewFilters, after: boolean): string {
  // With a cursor, `until` is folded into its key (listPageViews): given two upper bounds
  // on ts, SQLite may seek by neither and sort instead.
  if (after) filters = { ...filters, until: undefined };
  const cursor = after ? ` AND ${afterKeySql(['ts', 'id'], true)}` : '';
  const arms = [0, ...(filters.includeBots ? [1] : [])].map((bot) => `${armSql(filters, bot, columns)}${cursor}`);
  return `${arms.join(' UNION ALL ')} ORDER BY ts DESC, id DESC LIMIT @limit OFFSET @offset`;
}

/** Page views in [lo, hi) counted through the arms' covering indexes. */
function countRows(db: Db, filters: PageViewFilters, params: Record<string, unknown>): number {
  const arms = [0, ...(filters.includeBots ? [1] : [])].map((bot) => `(${armSql(filters, bot, 'COUNT(*)')})`);
  return prepared<[Record<string, unknown>], number>(db, `SELECT ${arms.join(' + ')}`)
    .pluck(true)
    .get(params)!;
}

/**
 * The total of a list: kept counts for the site (by the hour), a company (companies.page_views
 * and bot_page_views) or a visitor (visitor_rows' own), then only a time window's ends, or
 * a combination's rows, counted through an index that holds every column they test.
 */
function countPageViews(
  db: Db,
  site: number,
  filters: PageViewFilters,
  keys: { visitor: { pageViews: number; botPageViews: number } | null; company: { pageViews: number; botPageViews: number } | null },
  params: Record<string, unknown>,
): number {
  const windowed = filters.since !== undefined || filters.until !== undefined;
  const kept = keys.visitor ?? keys.company;
  if (kept !== null) {
    if (!windowed && (keys.visitor === null || keys.company === null)) return kept.pageViews - (filters.includeBots ? 0 : kept.botPageViews);
    return countRows(db, filters, params);
  }
  const bots = filters.includeBots ? 1 : 0;
  const hours = (from: number, to: number) =>
    prepared<[number, number, number, number], number | null>(db, 'SELECT SUM(n) FROM page_view_counts WHERE site = ? AND is_bot <= ? AND hour >= ? AND hour < ?')
      .pluck(true)
      .get(site, bots, from, to) ?? 0;
  if (!windowed) return hours(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  // Whole hours from the counts, the two partial hours at the ends row by row.
  const firstHour = filters.since === undefined ? Number.MIN_SAFE_INTEGER : Math.ceil(filters.since / hourMs);
  const endHour = filters.until === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(filters.until / hourMs);
  if (firstHour >= endHour) return countRows(db, filters, params);
  let total = hours(firstHour, endHour);
  if (filters.since !== undefined && filters.since < firstHour * hourMs)
    total += countRows(db, { ...filters, until: firstHour * hourMs }, { ...params, until: firstHour * hourMs });
  if (filters.until !== undefined && filters.until > endHour * hourMs)
    total += countRows(db, { ...filters, since: endHour * hourMs }, { ...params, since: endHour * hourMs });
  return total;
}

/** One page of a site's page views, newest first, and the total that match. */
export function listPageViews(db: Db, siteId: string, filters: PageViewFilters, page: PageRequest): ListPage<PageViewRow> {
  // The window's ends are computed with here, not only bound: refuse what is no time.
  for (const end of [filters.since, filters.until])
    if (end !== undefined && !Number.isSafeInteger(end)) throw new TypeError('since and until must be epoch milliseconds');
  const site = siteNumber(db, siteId);
  if (site === null) return { rows: [], total: 0, next: null };
  let after = page.after && keyFits(page.after, pageViewKeyShape) ? page.after : null;
  // ts < until is (ts, id) < (until, -inf): the cursor's key or that, whichever comes first.
  if (after && filters.until !== undefined && (after[0] as number) >= filters.until) after = [filters.until, Number.MIN_SAFE_INTEGER];
  return onSnapshot(db, () => {
    const visitor = filters.visitorId === undefined ? null : findVisitorKey(db, siteId, filters.visitorId);
    const company = filters.companyId === undefined ? null : findCompanyKey(db, siteId, filters.companyId);
    if ((filters.visitorId !== undefined && visitor === null) || (filters.companyId !== undefined && company === null)) return { rows: [], total: 0, next: null };
    const params: Record<string, unknown> = { site };
    if (visitor) params.visitor = visitor.key;
    if (company) params.company = company.num;
    if (filters.since !== undefined) params.since = filters.since;
    if (filters.until !== undefined) params.until = filters.until;
    const total = countPageViews(db, site, filters, { visitor, company }, params);
    const rows =
      after || page.offset < total
        ? prepared<[Record<string, unknown>], KeyedPageViewRow>(db, listSql(filters, after !== null)).all({
            ...params,
            limit: page.limit + 1,
            offset: after ? 0 : page.offset,
            ...(after ? keyParams(after) : {}),
          })
        : [];
    return pageOf(rows, page.limit, total, (row) => [row.ts, row.id]);
  });
}

/** A company's latest non-bot page views. */
export function listRecentCompanyPageViews(db: Db, siteId: string, companyId: string, limit: number): PageViewRow[] {
  const site = siteNumber(db, siteId);
  const company = findCompanyKey(db, siteId, companyId);
  if (site === null || company === null) return [];
  return prepared<[number, number, number], KeyedPageViewRow>(
    db,
    `SELECT ${columns} FROM page_view_rows AS p INDEXED BY page_view_rows_company WHERE site = ? AND company = ? AND is_bot = 0 ORDER BY ts DESC, id DESC LIMIT ?`,
  ).all(site, company.num, limit);
}
