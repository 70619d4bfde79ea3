import type { Db } from './db.js';
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

const columns = 'id, first_seen, last_seen, session_count, page_views, last_ip, country, browser, os, device, is_bot, company_id, contact_id';

/** One page of a site's visitors, most recently seen first, and the total that match. */
export function listVisitors(
  db: Db,
  siteId: string,
  filters: { companyId?: string; includeBots: boolean },
  page: { limit: number; offset: number },
): { rows: VisitorRow[]; total: number } {
  const parts = ['site_id = @siteId'];
  if (filters.companyId !== undefined) parts.push('company_id = @companyId');
  if (!filters.includeBots) parts.push('is_bot = 0');
  const where = parts.join(' AND ');
  // Without statistics SQLite would walk visitors_recent for its order and filter as it goes: every visitor of the site.
  const from = filters.companyId === undefined ? 'visitors' : 'visitors INDEXED BY visitors_company';
  const params = { siteId, companyId: filters.companyId };
  if (filters.companyId === undefined) delete params.companyId;
  const total = prepared<[Record<string, unknown>], { n: number }>(db, `SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`).get(params)!.n;
  const rows =
    page.offset >= total
      ? []
      : prepared<[Record<string, unknown>], VisitorRow>(db, `SELECT ${columns} FROM ${from} WHERE ${where} ORDER BY last_seen DESC, id LIMIT @limit OFFSET @offset`).all({
          ...params,
          limit: page.limit,
          offset: page.offset,
        });
  return { rows, total };
}

/**
 * What the site knows about an address, in one statement: whether the visitor
 * last seen from it was flagged as a bot, and the contact behind the latest
 * visitor from it who identified (both seeks land on the same index pages).
 * INDEXED BY names the index because these run on every resolve, and without
 * statistics SQLite would rather walk visitors_recent for the order.
 */
export function findAddressFacts(db: Db, siteId: string, ip: string): { isBot: boolean; contactId: string | null } {
  const row = prepared<[Record<string, string>], { is_bot: number | null; contact_id: string | null }>(
    db,
    `SELECT
       (SELECT is_bot FROM visitors INDEXED BY visitors_last_ip WHERE site_id = @siteId AND last_ip = @ip ORDER BY last_seen DESC LIMIT 1) AS is_bot,
       (SELECT contact_id FROM visitors INDEXED BY visitors_last_ip WHERE site_id = @siteId AND last_ip = @ip AND contact_id IS NOT NULL ORDER BY last_seen DESC LIMIT 1) AS contact_id`,
  ).get({ siteId, ip })!;
  return { isBot: row.is_bot === 1, contactId: row.contact_id };
}

/** A company's most recently seen visitors (sorted in memory, see migration 006). */
export function listCompanyVisitors(db: Db, siteId: string, companyId: string, limit: number): VisitorRow[] {
  return prepared<[string, string, number], VisitorRow>(
    db,
    `SELECT ${columns} FROM visitors INDEXED BY visitors_company WHERE site_id = ? AND company_id = ? AND is_bot = 0 ORDER BY last_seen DESC, id LIMIT ?`,
  ).all(siteId, companyId, limit);
}
