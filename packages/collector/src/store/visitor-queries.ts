import { findCompanyKey } from './company-queries.js';
import type { Db } from './db.js';
import { packId, siteNumber, unpackedSql } from './keys.js';
import { afterKeySql, keyFits, keyParams, onSnapshot, pageOf, type KeyShape, type ListPage, type PageRequest } from './list-page.js';
import { prepared } from './prepared.js';

export interface VisitorRow {
  id: string;
  first_seen: number;
  last_seen: number;
  session_count: number;
  page_views: number;
  last_ip: string | null;
  country: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  is_bot: number;
  company_id: string | null;
  contact_id: string | null;
}

/** The row's number in visitor_rows rides along for the cursor. */
type KeyedVisitorRow = VisitorRow & { key: number };

const columns = `${unpackedSql('visitor_id')} AS id, first_seen, last_seen, session_count, page_views, last_ip, country, browser, os, device, is_bot,
  (SELECT c.id FROM companies c WHERE c.num = company) AS company_id, contact_id, id AS key`;

/** A visitors cursor: last seen, then the row's number. */
export const visitorKeyShape: KeyShape = ['int', 'int'];

export interface VisitorFilters {
  companyId?: string;
  includeBots: boolean;
}

/**
 * One arm of the list per bot flag: each walks its index (visitor_rows_recent, or
 * visitor_rows_company for a company) in the list's order, and with bots the two are
 * merged in that order (a compound SELECT's merge), so no read sorts the site's visitors.
 */
function listSql(filters: VisitorFilters, after: boolean): string {
  const arm = (bot: number) =>
    filters.companyId === undefined
      ? `SELECT ${columns} FROM visitor_rows INDEXED BY visitor_rows_recent WHERE site = @site AND is_bot = ${bot}`
      : `SELECT ${columns} FROM visitor_rows INDEXED BY visitor_rows_company WHERE site = @site AND company = @company AND is_bot = ${bot}`;
  const cursor = after ? ` AND ${afterKeySql(['last_seen', 'id'], true)}` : '';
  const arms = filters.includeBots ? `${arm(0)}${cursor} UNION ALL ${arm(1)}${cursor}` : `${arm(0)}${cursor}`;
  return `${arms} ORDER BY last_seen DESC, key DESC LIMIT @limit OFFSET @offset`;
}

/** The total from the counts the visitor_rows triggers keep (migration 007); company 0 counts the whole site. */
function countVisitors(db: Db, site: number, company: number, includeBots: boolean): number {
  return (
    prepared<[number, number, number], number | null>(db, 'SELECT SUM(n) FROM visitor_counts WHERE site = ? AND company = ? AND is_bot <= ?')
      .pluck(true)
      .get(site, company, includeBots ? 1 : 0) ?? 0
  );
}

/** One page of a site's visitors, most recently seen first, and the total that match. */
export function listVisitors(db: Db, siteId: string, filters: VisitorFilters, page: PageRequest): ListPage<VisitorRow> {
  const site = siteNumber(db, siteId);
  if (site === null) return { rows: [], total: 0, next: null };
  const after = page.after && keyFits(page.after, visitorKeyShape) ? page.after : null;
  return onSnapshot(db, () => {
    const company = filters.companyId === undefined ? null : findCompanyKey(db, siteId, filters.companyId);
    if (filters.companyId !== undefined && company === null) return { rows: [], total: 0, next: null };
    const total = countVisitors(db, site, company?.num ?? 0, filters.includeBots);
    const params: Record<string, unknown> = { site, limit: page.limit + 1, offset: after ? 0 : page.offset, ...(after ? keyParams(after) : {}) };
    if (company) params.company = company.num;
    const rows = after || page.offset < total ? prepared<[Record<string, unknown>], KeyedVisitorRow>(db, listSql(filters, after !== null)).all(params) : [];
    return pageOf(rows, page.limit, total, (row) => [row.last_seen, row.key]);
  });
}

/**
 * What the site knows about an address, in one statement: whether the visitor
 * last seen from it was flagged as a bot, and the contact behind the latest
 * visitor from it who identified. The few visitors of one address are sorted in
 * memory (see migration 006); INDEXED BY names the index because these run on
 * every resolve, and without statistics SQLite would rather walk visitor_rows_recent.
 */
export function findAddressFacts(db: Db, siteId: string, ip: string): { isBot: boolean; contactId: string | null } {
  const site = siteNumber(db, siteId);
  if (site === null) return { isBot: false, contactId: null };
  const row = prepared<[Record<string, unknown>], { is_bot: number | null; contact_id: string | null }>(
    db,
    `SELECT
       (SELECT is_bot FROM visitor_rows INDEXED BY visitor_rows_last_ip WHERE site = @site AND last_ip = @ip ORDER BY last_seen DESC LIMIT 1) AS is_bot,
       (SELECT contact_id FROM visitor_rows INDEXED BY visitor_rows_last_ip WHERE site = @site AND last_ip = @ip AND contact_id IS NOT NULL
         ORDER BY last_seen DESC LIMIT 1) AS contact_id`,
  ).get({ site, ip })!;
  return { isBot: row.is_bot === 1, contactId: row.contact_id };
}

/** A company's most recently seen visitors, bots left out. */
export function listCompanyVisitors(db: Db, siteId: string, companyId: string, limit: number): VisitorRow[] {
  const site = siteNumber(db, siteId);
  const company = findCompanyKey(db, siteId, companyId);
  if (site === null || company === null) return [];
  return prepared<[number, number, number], KeyedVisitorRow>(
    db,
    `SELECT ${columns} FROM visitor_rows INDEXED BY visitor_rows_company WHERE site = ? AND company = ? AND is_bot = 0
     ORDER BY last_seen DESC, id DESC LIMIT ?`,
  ).all(site, company.num, limit);
}

/** A visitor's number in visitor_rows, or null if the site has no such visitor. */
export function findVisitorKey(db: Db, siteId: string, visitorId: string): { key: number; pageViews: number; botPageViews: number } | null {
  const site = siteNumber(db, siteId);
  if (site === null) return null;
  return (
    prepared<[number, string | Buffer], { key: number; pageViews: number; botPageViews: number }>(
      db,
      'SELECT id AS key, page_views AS pageViews, bot_page_views AS botPageViews FROM visitor_rows WHERE site = ? AND visitor_id = ?',
    ).get(site, packId(visitorId)) ?? null
  );
}
