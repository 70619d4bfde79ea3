import type { Db } from '../../packages/collector/src/store/db.js';

/**
 * Every count the store keeps beside its rows (migrations 003, 007 and 014), each compared with
 * COUNT(*) over the rows it counts: the rows where the two differ, as text. Kept rows at 0
 * and groups with no rows are the same. The first column of each side is the site (its id
 * or its number), so that one site can be checked alone.
 */
const checks: Array<[string, string, string]> = [
  [
    'company_score_counts',
    'SELECT site_id AS site, lead_score, n FROM company_score_counts WHERE n <> 0',
    'SELECT site_id AS site, lead_score, COUNT(*) FROM companies GROUP BY 1, 2',
  ],
  [
    'company_facet_counts',
    'SELECT site_id AS site, facet, value, lead_score, n FROM company_facet_counts WHERE n <> 0',
    `SELECT site_id AS site, 'industry', lower(industry), lead_score, COUNT(*) FROM companies WHERE industry IS NOT NULL GROUP BY 1, 3, 4
     UNION ALL SELECT site_id, 'country', lower(country), lead_score, COUNT(*) FROM companies WHERE country IS NOT NULL GROUP BY 1, 3, 4
     UNION ALL SELECT site_id, 'size', size, lead_score, COUNT(*) FROM companies WHERE size IS NOT NULL GROUP BY 1, 3, 4`,
  ],
  [
    'company_seen_hours',
    'SELECT site_id AS site, hour, n FROM company_seen_hours WHERE n <> 0',
    'SELECT site_id AS site, seen_last / 3600000, COUNT(*) FROM companies GROUP BY 1, 2',
  ],
  [
    'visitor_counts',
    'SELECT site, company, is_bot, n FROM visitor_counts WHERE n <> 0',
    `SELECT site, 0, is_bot, COUNT(*) FROM visitor_rows GROUP BY 1, 3
     UNION ALL SELECT site, company, is_bot, COUNT(*) FROM visitor_rows WHERE company IS NOT NULL GROUP BY 1, 2, 3`,
  ],
  [
    'page_view_counts',
    'SELECT site, is_bot, hour, n FROM page_view_counts WHERE n <> 0',
    'SELECT site, is_bot, ts / 3600000, COUNT(*) FROM page_view_rows GROUP BY 1, 2, 3',
  ],
  [
    'contact_counts',
    'SELECT site_id AS site, key, n FROM contact_counts WHERE n <> 0',
    `SELECT site_id AS site, '', COUNT(*) FROM contacts GROUP BY 1
     UNION ALL SELECT site_id, 's:' || source, COUNT(*) FROM contacts GROUP BY 1, 2
     UNION ALL SELECT site_id, 'd:' || company_domain, COUNT(*) FROM contacts WHERE company_domain IS NOT NULL GROUP BY 1, 2`,
  ],
  [
    'companies.page_views and bot_page_views',
    'SELECT site_id AS site, num, page_views, bot_page_views FROM companies WHERE page_views <> 0 OR bot_page_views <> 0',
    'SELECT c.site_id AS site, p.company, SUM(p.is_bot = 0), SUM(p.is_bot) FROM page_view_rows p JOIN companies c ON c.num = p.company GROUP BY 1, 2',
  ],
  [
    'visitor_rows.page_views and bot_page_views',
    'SELECT site, id, page_views, bot_page_views FROM visitor_rows WHERE page_views <> 0 OR bot_page_views <> 0',
    'SELECT site, visitor, COUNT(*), SUM(is_bot) FROM page_view_rows GROUP BY 1, 2',
  ],
  ['signal_counts', 'SELECT site_id AS site, type, n FROM signal_counts WHERE n <> 0', 'SELECT site_id AS site, type, COUNT(*) FROM signals GROUP BY 1, 2'],
  [
    'outreach_draft_counts',
    'SELECT site_id AS site, status, n FROM outreach_draft_counts WHERE n <> 0',
    'SELECT site_id AS site, status, COUNT(*) FROM outreach_drafts GROUP BY 1, 2',
  ],
  [
    'endpoint_delivery_counts',
    'SELECT e.site_id AS site, c.endpoint_id, c.n FROM endpoint_delivery_counts c JOIN webhook_endpoints e ON e.id = c.endpoint_id WHERE c.n <> 0',
    'SELECT site_id AS site, endpoint_id, COUNT(*) FROM deliveries WHERE endpoint_id IS NOT NULL GROUP BY 1, 2',
  ],
  [
    'company_search entries',
    'SELECT rowid / 1099511627776 AS site, rowid FROM company_search',
    'SELECT n.num AS site, n.num * 1099511627776 + c.num FROM companies c JOIN site_numbers n ON n.site_id = c.site_id',
  ],
];

/** The mismatches of every site, or of one. */
export function countMismatches(db: Db, siteId?: string): string[] {
  const num = siteId === undefined ? null : (db.prepare('SELECT num FROM site_numbers WHERE site_id = ?').pluck(true).get(siteId) ?? null);
  const ofSite = (sql: string) => (siteId === undefined ? `SELECT * FROM (${sql})` : `SELECT * FROM (${sql}) WHERE site IN (@siteId, @num)`);
  const params = siteId === undefined ? {} : { siteId, num };
  const problems: string[] = [];
  for (const [name, kept, counted] of checks) {
    const missing = db
      .prepare(`${ofSite(counted)} EXCEPT ${ofSite(kept)}`)
      .raw(true)
      .all(params);
    const extra = db
      .prepare(`${ofSite(kept)} EXCEPT ${ofSite(counted)}`)
      .raw(true)
      .all(params);
    if (missing.length || extra.length) problems.push(`${name}: counted but not kept ${JSON.stringify(missing)}; kept but not counted ${JSON.stringify(extra)}`);
  }
  return problems;
}
