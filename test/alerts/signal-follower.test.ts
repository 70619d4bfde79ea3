import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Signal } from '../../packages/collector/src/alerts/signal.js';
import { createWatchedDomains } from '../../packages/collector/src/alerts/watched-domains.js';
import { createSignalFollower } from '../../packages/collector/src/jobs/signal-follower.js';
import { migrate, type Db } from '../../packages/collector/src/store/db.js';
import { writeEvent } from '../../packages/collector/src/store/events.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { addWatchEntry, listWatchedDomains, watchListVersion } from '../../packages/collector/src/store/watch-list.js';
import { pageViewRecord } from '../helpers/records.js';

let db: Db;
let siteId: string;
const t0 = Date.parse('2026-12-07T09:00:00Z');
let clock = t0;

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db);
  siteId = createSite(db, { name: 'Follow', domains: ['example.com'] }).site.id;
  addWatchEntry(db, siteId, { domain: 'acme.com', companyName: null, notes: null }, t0);
  clock = t0;
});
afterEach(() => db.close());

const follower = (outbox: Array<(db: Db, signal: Signal) => void>) =>
  createSignalFollower(db, {
    now: () => clock,
    watched: createWatchedDomains({ version: () => watchListVersion(db), domains: (id) => listWatchedDomains(db, id) }),
    outbox,
  });
const pageView = (i: number, domain = 'acme.com') =>
  writeEvent(db, pageViewRecord(siteId, `9000${i}`, { ts: t0 + i * 60_000, company: { domain }, path: `/p${i}`, url: `https://example.com/p${i}` }));
const count = (type: string) => (db.prepare('SELECT COUNT(*) AS n FROM signals WHERE type = ?').get(type) as { n: number }).n;

describe('the signal follower', () => {
  it('stores nothing and keeps its watermark when an outbox writer fails, then stores each signal once', () => {
    pageView(1);
    let fail = true;
    const delivered: string[] = [];
    const outbox = [
      (_db: Db, signal: Signal) => {
        if (fail) throw new Error('outbox down');
        delivered.push(signal.type);
      },
    ];
    expect(() => follower(outbox).step()).toThrow('outbox down');
    expect(count('watchlist.hit') + count('company.identified')).toBe(0);
    fail = false;
    const again = follower(outbox);
    expect(again.step()).toBe(false);
    expect(again.step()).toBe(false);
    expect(delivered.sort()).toEqual(['company.identified', 'watchlist.hit']);
    expect(count('watchlist.hit')).toBe(1);
  });

  it('raises no signal about page views from before it started (the migration sets the watermark)', () => {
    pageView(1);
    db.exec("UPDATE signal_progress SET last_id = (SELECT MAX(id) FROM page_view_rows) WHERE name = 'page_views'");
    follower([]).step();
    expect(count('watchlist.hit')).toBe(0);
    pageView(2);
    follower([]).step();
    expect(count('watchlist.hit')).toBe(1);
  });

  it('reads a long backlog in steps of bounded size, each its own transaction', async () => {
    db.transaction(() => {
      for (let i = 0; i < 1_200; i++) pageView(i, i % 2 ? 'acme.com' : `other${i}.com`);
    })();
    const run = follower([]);
    expect(run.step()).toBe(true);
    expect(await run.followAll()).toBe(2);
    expect(count('company.identified')).toBe(601);
    expect(count('watchlist.hit')).toBe(1);
    const hit = JSON.parse((db.prepare("SELECT body FROM signals WHERE type = 'watchlist.hit'").get() as { body: string }).body) as Signal;
    expect(hit.data.pageViews).toBe(600);
    expect((hit.data.pages as unknown[]).length).toBe(100);
  });
});
