import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Signal } from '../../packages/collector/src/alerts/signal.js';
import { createWatchedDomains } from '../../packages/collector/src/alerts/watched-domains.js';
import { createSignalFollower } from '../../packages/collector/src/jobs/signal-follower.js';
import { migrate, openDatabase, type Db } from '../../packages/collector/src/store/db.js';
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

  it('never waits for the write lock another connection holds: it tries again once the lock is free', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearview-follow-'));
    const main = openDatabase(join(dir, 'c.db'));
    const writer = openDatabase(join(dir, 'c.db'));
    try {
      const site = createSite(main, { name: 'Busy', domains: ['example.com'] }).site.id;
      writeEvent(main, pageViewRecord(site, '77001', { ts: t0, company: { domain: 'acme.com' } }));
      const run = createSignalFollower(main, {
        now: () => clock,
        watched: createWatchedDomains({ version: () => watchListVersion(main), domains: (id) => listWatchedDomains(main, id) }),
        outbox: [],
      });
      writer.prepare('BEGIN IMMEDIATE').run();
      const started = performance.now();
      expect(run.step()).toBe(false);
      // busy_timeout is 5 s on these connections: the step must not have waited for it.
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(main.pragma('busy_timeout', { simple: true })).toBe(5000);
      const following = run.followAll();
      setTimeout(() => writer.prepare('COMMIT').run(), 100);
      await following;
      expect((main.prepare("SELECT COUNT(*) AS n FROM signals WHERE type = 'company.identified'").get() as { n: number }).n).toBe(1);
    } finally {
      if (writer.inTransaction) writer.prepare('COMMIT').run();
      writer.close();
      main.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops after its current step when shut down mid-backlog, and the next run carries on from its watermark', async () => {
    // Three steps of backlog: page views of 1,200 companies, each first seen.
    for (let i = 0; i < 1_200; i++) pageView(i, `company${i}.com`);
    const stopping = new AbortController();
    let signals = 0;
    const outbox = [
      () => {
        // Shutdown arrives while the first step is being written.
        signals++;
        stopping.abort();
      },
    ];
    const first = follower(outbox);
    expect(await first.followAll(stopping.signal)).toBe(1);
    expect(signals).toBe(500);
    expect(count('company.identified')).toBe(500);
    const rest = follower(outbox);
    await rest.followAll();
    expect(count('company.identified')).toBe(1_200);
  });
});
