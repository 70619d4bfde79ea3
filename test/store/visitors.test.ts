import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { writeEvent, type PageViewRecord } from '../../packages/collector/src/store/events.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { pageViewRecord } from '../helpers/records.js';
import { findAddressFacts, listCompanyVisitors, listVisitors } from '../../packages/collector/src/store/visitor-queries.js';

let dir: string;
let db: Db;
let siteId: string;
let n = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-visitors-'));
  db = openDatabase(join(dir, 'v.db'));
  siteId = createSite(db, { name: 'Acme', domains: ['acme.test'] }).site.id;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const t0 = Date.UTC(2026, 10, 23, 9, 0, 0);

function pageView(overrides: Partial<PageViewRecord> = {}): PageViewRecord {
  n += 1;
  return pageViewRecord(siteId, `pv_${n}`, {
    visitorId: 'vis_1',
    ts: t0,
    url: 'https://acme.test/pricing',
    ip: '203.0.113.7',
    country: 'DE',
    asn: 64500,
    browser: 'Firefox',
    os: 'Linux',
    ...overrides,
  });
}

const write = (record: PageViewRecord) => db.transaction(() => writeEvent(db, record))();
const visitor = () =>
  db
    .prepare(
      'SELECT first_seen, last_seen, session_count, page_views, last_ip, country, browser, os, device, is_bot, company_id FROM visitors WHERE site_id = ? AND id = ?',
    )
    .get(siteId, 'vis_1');

describe('a visitor row', () => {
  it("counts a returning visitor's page views and keeps its unchanged profile", () => {
    write(pageView());
    write(pageView({ ts: t0 + 60_000 }));
    write(pageView({ ts: t0 + 40 * 60_000 }));
    expect(visitor()).toEqual({
      first_seen: t0,
      last_seen: t0 + 40 * 60_000,
      session_count: 2,
      page_views: 3,
      last_ip: '203.0.113.7',
      country: 'DE',
      browser: 'Firefox',
      os: 'Linux',
      device: 'desktop',
      is_bot: 0,
      company_id: null,
    });
  });

  it("takes a returning visitor's new address, browser and company", () => {
    write(pageView());
    write(pageView({ ts: t0 + 1_000, ip: '198.51.100.9', browser: 'Chrome', os: 'Windows', company: { domain: 'globex.test', name: 'Globex' } }));
    const company = db.prepare('SELECT id FROM companies WHERE domain = ?').get('globex.test') as { id: string };
    expect(visitor()).toMatchObject({ page_views: 2, last_ip: '198.51.100.9', browser: 'Chrome', os: 'Windows', company_id: company.id });
  });

  it('keeps a known company, country and bot flag when a later page view resolves none', () => {
    write(pageView({ isBot: true, company: { domain: 'globex.test' } }));
    write(pageView({ ts: t0 + 1_000, country: null, isBot: false, company: null }));
    expect(visitor()).toMatchObject({ page_views: 2, country: 'DE', is_bot: 1 });
    expect((visitor() as { company_id: string | null }).company_id).not.toBeNull();
  });

  it('never moves last_seen back for a page view that arrives late', () => {
    write(pageView({ ts: t0 + 5_000 }));
    write(pageView({ ts: t0 }));
    expect(visitor()).toMatchObject({ last_seen: t0 + 5_000, page_views: 2 });
  });
});

describe('the lookups by company and by address', () => {
  it("find a company's visitors and an address's latest visitor through their indexes", () => {
    write(pageView({ visitorId: 'vis_a', company: { domain: 'globex.test' } }));
    write(pageView({ visitorId: 'vis_b', ts: t0 + 1_000, company: { domain: 'globex.test' } }));
    write(pageView({ visitorId: 'vis_c', ts: t0 + 2_000, ip: '198.51.100.9', isBot: true }));
    const company = db.prepare('SELECT id FROM companies WHERE domain = ?').get('globex.test') as { id: string };
    // Both name their index (INDEXED BY): SQLite raises rather than scan should the index ever stop serving them.
    expect(listCompanyVisitors(db, siteId, company.id, 5).map((v) => v.id)).toEqual(['vis_b', 'vis_a']);
    expect(listVisitors(db, siteId, { companyId: company.id, includeBots: false }, { limit: 1, offset: 1 })).toMatchObject({ total: 2, rows: [{ id: 'vis_a' }] });
    expect(findAddressFacts(db, siteId, '198.51.100.9')).toEqual({ isBot: true, contactId: null });
  });

  it("seek page_view_rows_company for a company's page views, in their order", () => {
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM page_view_rows WHERE site = ? AND company = ? AND is_bot = 0 ORDER BY ts DESC, id DESC LIMIT 5')
      .all(1, 1) as { detail: string }[];
    const text = plan.map((row) => row.detail).join('\n');
    expect(text).toContain('INDEX page_view_rows_company (site=? AND company=? AND is_bot=?)');
    expect(text).not.toContain('TEMP B-TREE');
  });
});
