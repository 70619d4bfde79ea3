import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, type Db } from '../../packages/collector/src/store/db.js';
import { siteNumber } from '../../packages/collector/src/store/keys.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import {
  collectMatches,
  KEPT_FUNCTION,
  parseRowids,
  pickSearchPlan,
  sampleMatches,
  searchSegments,
  SORTED_SEARCH_MAX,
} from '../../packages/collector/src/store/text-search.js';

let db: Db;
let siteId: string;
let site: number;
const insert = () => db.prepare('INSERT INTO companies (id, site_id, domain, name, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)');

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db);
  siteId = createSite(db, { name: 'Search', domains: ['search.test'] }).site.id;
  site = siteNumber(db, siteId)!;
});
afterEach(() => db.close());

describe('the search plans', () => {
  it('sort few matches, probe the first page of a broad search only while the full-text index has few b-trees, and collect the rest', () => {
    expect(pickSearchPlan(SORTED_SEARCH_MAX, 1_000_000, 20, true, true, 1)).toBe('sorted');
    // A name prefix matching one company in nine of a million: page 1 and page 50.
    expect(pickSearchPlan(111_111, 1_000_000, 20, true, true, 1)).toBe('probe');
    expect(pickSearchPlan(111_111, 1_000_000, 20, true, true, 13)).toBe('kept');
    expect(pickSearchPlan(111_111, 1_000_000, 1_000, true, true, 1)).toBe('kept');
    // A word longer than the prefix indexes is never probed.
    expect(pickSearchPlan(111_111, 1_000_000, 20, false, true, 1)).toBe('kept');
    // Deep in a search whose matches are few for the rows passed, an IN list is cheaper to test than the kept rowids.
    expect(pickSearchPlan(11_111, 100_000, 1_000, true, true, 13)).toBe('walk');
    // With other filters the matches are never kept in memory (their total is counted apart).
    expect(pickSearchPlan(111_111, 1_000_000, 1_000, true)).toBe('walk');
  });

  it('estimate a search’s matches from how far into the rowids its first ones reach, and count few exactly', () => {
    const add = insert();
    db.transaction(() => {
      for (let i = 0; i < 9_000; i++) add.run(`c${i}`, siteId, `d${i}.test`, i % 3 === 0 ? `Acme ${i}` : `Globex ${i}`);
    })();
    const last = db.prepare('SELECT max(rowid) FROM companies').pluck().get() as number;
    const broad = sampleMatches(db, 'company_search', { match: '"acme"*', site }, last);
    expect(broad.first).toBe(SORTED_SEARCH_MAX + 1);
    expect(broad.estimate).toBeGreaterThan(2_700);
    expect(broad.estimate).toBeLessThan(3_300);
    const few = Array.from({ length: 9_000 }, (_, i) => i).filter((i) => i % 3 === 0 && String(i).startsWith('12')).length;
    expect(sampleMatches(db, 'company_search', { match: '"acme"* "12"*', site }, last)).toEqual({ first: few, estimate: few });
  });

  it('collect a search’s matches once, counting them, for the SQL function that keeps them on that connection', () => {
    const add = insert();
    db.transaction(() => {
      for (let i = 0; i < 50; i++) add.run(`c${i}`, siteId, `d${i}.test`, i % 5 === 0 ? `Acme ${i}` : `Globex ${i}`);
    })();
    expect(collectMatches(db, 'company_search', { match: '"acme"*', site })).toBe(10);
    const kept = db.prepare(`SELECT id FROM companies WHERE ${KEPT_FUNCTION}(rowid) = 1 ORDER BY rowid`).pluck().all();
    expect(kept).toEqual(Array.from({ length: 10 }, (_, k) => `c${k * 5}`));
    // The next collection replaces the last one.
    expect(collectMatches(db, 'company_search', { match: '"nothing"*', site })).toBe(0);
    expect(db.prepare(`SELECT COUNT(*) FROM companies WHERE ${KEPT_FUNCTION}(rowid) = 1`).pluck().get()).toBe(0);
  });

  it('read collected rowids in ascending order whatever order they came in', () => {
    expect([...parseRowids(Buffer.from(''))]).toEqual([]);
    expect([...parseRowids(Buffer.from('7'))]).toEqual([7]);
    expect([...parseRowids(Buffer.from('3,40,1099511627775'))]).toEqual([3, 40, 1_099_511_627_775]);
    expect([...parseRowids(Buffer.from('40,3,12'))]).toEqual([3, 12, 40]);
  });

  it('count the b-trees a full-text index is split into: one a transaction that wrote to it, until merged', () => {
    const add = insert();
    for (let t = 0; t < 3; t++) db.transaction(() => add.run(`c${t}`, siteId, `d${t}.test`, `Acme ${t}`))();
    expect(searchSegments(db, 'company_search')).toBe(3);
    expect(searchSegments(db, 'contact_search')).toBe(0);
    db.exec(`INSERT INTO company_search (company_search) VALUES ('optimize')`);
    expect(searchSegments(db, 'company_search')).toBe(1);
  });
});
