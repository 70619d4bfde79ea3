import type { Db } from './db.js';
import { prepared } from './prepared.js';

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

export interface PageViewFilters {
  companyId?: string;
  visitorId?: string;
  /** Inclusive lower bound, epoch ms. */
  since?: number;
  /** Exclusive upper bound, epoch ms. */
  until?: number;
  includeBots: boolean;
}

const columns = 'pv_id, visitor_id, company_id, url, path, title, referrer, ts, engaged_ms, browser, os, device, country, is_bot, source';

function whereOf(filters: PageViewFilters): { sql: string; params: Record<string, unknown> } {
  const parts = ['site_id = @siteId'];
  const params: Record<string, unknown> = {};
  if (filters.companyId !== undefined) {
    parts.push('company_id = @companyId');
    params.companyId = filters.companyId;
  }
  if (filters.visitorId !== undefined) {
    parts.push('visitor_id = @visitorId');
    params.visitorId = filters.visitorId;
  }
  if (filters.since !== undefined) {
    parts.push('ts >= @since');
    params.since = filters.since;
  }
  if (filters.until !== undefined) {
    parts.push('ts < @until');
    params.until = filters.until;
  }
  if (!filters.includeBots) parts.push('is_bot = 0');
  return { sql: parts.join(' AND '), params };
}

/** One page of a site's page views, newest first, and the total that match. */
export function listPageViews(db: Db, siteId: string, filters: PageViewFilters, page: { limit: number; offset: number }): { rows: PageViewRow[]; total: number } {
  const where = whereOf(filters);
  const params = { ...where.params, siteId };
  const total = prepared<[Record<string, unknown>], { n: number }>(db, `SELECT COUNT(*) AS n FROM page_views WHERE ${where.sql}`).get(params)!.n;
  const rows =
    page.offset >= total
      ? []
      : prepared<[Record<string, unknown>], PageViewRow>(
          db,
          `SELECT ${columns} FROM page_views WHERE ${where.sql} ORDER BY ts DESC, id DESC LIMIT @limit OFFSET @offset`,
        ).all({ ...params, limit: page.limit, offset: page.offset });
  return { rows, total };
}

/** A company's latest non-bot page views. */
export function listRecentCompanyPageViews(db: Db, siteId: string, companyId: string, limit: number): PageViewRow[] {
  return prepared<[string, string, number], PageViewRow>(
    db,
    `SELECT ${columns} FROM page_views WHERE site_id = ? AND company_id = ? AND is_bot = 0 ORDER BY ts DESC, id DESC LIMIT ?`,
  ).all(siteId, companyId, limit);
}
