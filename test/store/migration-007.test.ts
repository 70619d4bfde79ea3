import { describe, expect, it } from 'vitest';
import { migrate } from '../../packages/collector/src/store/db.js';
import { databaseAt } from '../helpers/migrations.js';
import { countMismatches } from './count-checks.js';

/**
 * Migration 007 on a database written before it: every page view and visitor reads back
 * through the page_views and visitors views exactly as it was stored, and the counts it
 * fills equal COUNT(*).
 */

describe('migration 007', () => {
  it('keeps every page view and visitor as they were, and counts them', () => {
    const db = databaseAt(6);
    const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
    db.exec(`INSERT INTO sites (id, name, site_key, webhook_secret_hash, created_at) VALUES ('st_a', 'A', 'site_a', 'x', 0), ('st_b', 'B', 'site_b', 'y', 0)`);
    const company = db.prepare(
      `INSERT INTO companies (id, site_id, domain, name, industry, country, size, lead_score, page_views, first_seen, last_seen, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
    );
    company.run('comp_1', 'st_a', 'acme.test', 'Acme', 'Software', 'US', '11-50', 40, 2, t0, t0 + 60_000);
    company.run('comp_2', 'st_b', 'globex.test', null, null, 'de', null, 0, 0, null, null);
    const visitor = db.prepare(
      `INSERT INTO visitors (site_id, id, first_seen, last_seen, session_id, session_count, page_views, last_ip, country, browser, os, device, is_bot, company_id, contact_id)
       VALUES (?, ?, ?, ?, 'sessionid0000000', 1, ?, '203.0.113.9', 'US', 'Chrome', 'Mac OS', 'desktop', ?, ?, ?)`,
    );
    visitor.run('st_a', '1700000000000123456789', t0, t0 + 60_000, 2, 0, 'comp_1', 'ct_1');
    visitor.run('st_a', 'd_20260105_abcdefghijklmnopqrstuv', t0, t0, 1, 1, null, null);
    visitor.run('st_b', '1700000000000123456789', t0, t0, 0, 0, null, null);
    const view = db.prepare(
      `INSERT INTO page_views (site_id, pv_id, visitor_id, session_id, ts, url, path, query, utm_source, referrer, referrer_domain, title, screen_width, ip,
                               country, asn, browser, os, device, is_bot, company_id, engaged_ms, source)
       VALUES (?, ?, ?, 'sessionid0000000', ?, ?, ?, ?, ?, 'https://www.google.com/', 'google.com', 'T', 1440, '203.0.113.9', 'US', 7922, 'Chrome', 'Mac OS', 'desktop', ?, ?, ?, ?)`,
    );
    view.run(
      'st_a',
      '17000000000001234567890',
      '1700000000000123456789',
      t0,
      'https://www.acme.test/pricing?utm_source=x',
      '/pricing',
      'utm_source=x',
      'x',
      0,
      'comp_1',
      1500,
      'tracker',
    );
    view.run('st_a', 'pv_text_id_1', '1700000000000123456789', t0 + 60_000, '/ingested', '/ingested', null, null, 0, 'comp_1', 0, 'ingest');
    view.run('st_a', '1700000000000999', 'd_20260105_abcdefghijklmnopqrstuv', t0 + 3_600_000, 'https://www.acme.test/', '/', null, null, 1, null, 0, 'tracker');
    // A page view whose visitor row is missing is kept, with a visitor made for it.
    view.run('st_b', '1700000000000777', 'v_lost_0000000001', t0, 'https://b.test/x', '/x', null, null, 0, null, 0, 'tracker');
    db.exec(
      `INSERT INTO contacts (id, site_id, email, source, company_domain, created_at, updated_at) VALUES ('ct_1', 'st_a', 'p@acme.test', 'identify', 'acme.test', 0, 0)`,
    );
    const pageViews = db.prepare('SELECT * FROM page_views ORDER BY id').all();
    const visitors = db.prepare('SELECT * FROM visitors ORDER BY site_id, id').all();

    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(7);
    expect(db.prepare('SELECT * FROM page_views ORDER BY id').all()).toEqual(pageViews);
    const migrated = db.prepare('SELECT * FROM visitors ORDER BY site_id, id').all();
    expect(migrated.filter((v) => (v as { id: string }).id !== 'v_lost_0000000001')).toEqual(visitors);
    expect(migrated).toHaveLength(visitors.length + 1);
    expect(countMismatches(db)).toEqual([]);
    // The search index holds the companies there were.
    expect(db.prepare(`SELECT COUNT(*) FROM company_search WHERE company_search MATCH '"acme"*'`).pluck(true).get()).toBe(1);
    db.close();
  });
});
