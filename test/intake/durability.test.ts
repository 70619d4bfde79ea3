import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { postBeacon, spawnCollector } from '../helpers/process.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-durability-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newSiteDb(name: string): { dbPath: string; siteKey: string } {
  const dbPath = join(dir, `${name}.db`);
  const db = openDatabase(dbPath);
  const { site } = createSite(db, { name, domains: ['example.com'] });
  db.close();
  return { dbPath, siteKey: site.siteKey };
}

/** Milliseconds each engagement event carries: a page view holding twice this got one event twice. */
const engagedMs = 7;

/**
 * Sends `total` events from `connections` concurrent senders, stopping early when stop() says so: page views,
 * and every third event one engagement for a page view already acknowledged. Engagement adds to a counter,
 * so unlike a page view it is not idempotent: writing one twice would show.
 */
async function flood(
  port: number,
  siteKey: string,
  total: number,
  connections: number,
  onAck: (event: { pvId: string; kind: 'pageview' | 'engagement' }) => void,
  stop: () => boolean,
  /** The number of the first event, so that a second flood sends new ones. */
  from = 0,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const awaitingEngagement: string[] = [];
  let next = from;
  const worker = async () => {
    while (next < from + total && !stop()) {
      const i = next++;
      const visitor = `visitor_${(i % 500).toString().padStart(4, '0')}`;
      const engaged = i % 3 === 2 ? awaitingEngagement.shift() : undefined;
      const pvId = engaged ?? `pv_fault_${i.toString().padStart(6, '0')}`;
      const body = engaged
        ? JSON.stringify({ k: siteKey, n: 'engagement', v: visitor, p: pvId, u: 'https://example.com/page', e: engagedMs })
        : JSON.stringify({ k: siteKey, n: 'pageview', v: visitor, p: pvId, u: `https://example.com/page/${i % 40}` });
      const status = await postBeacon(agent, port, body, `198.51.100.${i % 250}`);
      if (status !== 202) continue;
      onAck({ pvId, kind: engaged ? 'engagement' : 'pageview' });
      if (!engaged) awaitingEngagement.push(pvId);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
}

function storedCounts(dbPath: string): Map<string, number> {
  const db = new Database(dbPath, { readonly: true });
  const rows = db.prepare('SELECT pv_id, COUNT(*) AS n FROM page_views GROUP BY pv_id').all() as Array<{ pv_id: string; n: number }>;
  db.close();
  return new Map(rows.map((r) => [r.pv_id, r.n]));
}

/** The page views a killed collector's database holds, read from a copy so the restart finds the files as the kill left them. */
function storedAtKill(dbPath: string): Set<string> {
  const copy = join(dir, 'at-kill.db');
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, copy + suffix);
  // Not read-only: opening recovers the copied WAL, as the restart will the original.
  const db = new Database(copy);
  const ids = (db.prepare('SELECT pv_id FROM page_views').all() as Array<{ pv_id: string }>).map((r) => r.pv_id);
  db.close();
  return new Set(ids);
}

function storedEngagement(dbPath: string): Map<string, number> {
  const db = new Database(dbPath, { readonly: true });
  const rows = db.prepare('SELECT pv_id, engaged_ms FROM page_views').all() as Array<{ pv_id: string; engaged_ms: number }>;
  db.close();
  return new Map(rows.map((r) => [r.pv_id, r.engaged_ms]));
}

/** The collector is killed once this many page views are acknowledged, however long that takes. */
const killAfter = 600;
/**
 * Only a backstop against a hang: each test ends when its events are sent, not at a time. Two collector
 * starts and a thousand or two beacons take seconds alone, and several times that on a loaded 2-core machine.
 */
const backstop = { timeout: 180_000 };

describe('durability', () => {
  it('keeps every acknowledged event exactly once when the collector is killed with SIGKILL mid-stream', backstop, async () => {
    const { dbPath, siteKey } = newSiteDb('kill9');
    // Batches of 100 commit as they fill and the rest waits a minute for the commit delay, so that at the
    // kill the database holds some acknowledged events and only the intake log holds the others.
    const collector = await spawnCollector({ CLEARVIEW_DB: dbPath, CLEARVIEW_TRUST_PROXY: '1', CLEARVIEW_BATCH_SIZE: '100', CLEARVIEW_COMMIT_DELAY_MS: '60000' });
    const acked: string[] = [];
    const engagedAcked: string[] = [];
    let killed = false;
    const onAck = ({ pvId, kind }: { pvId: string; kind: string }) => {
      if (kind === 'engagement') engagedAcked.push(pvId);
      else acked.push(pvId);
    };
    // A first batch is committed before the flood, so the kill finds some acknowledged events in
    // the database whatever the machine's speed (a slow writer start once left none there).
    await flood(collector.port, siteKey, 200, 20, onAck, () => false);
    const committed = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM page_views').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    for (let i = 0; i < 300 && committed() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await flood(
      collector.port,
      siteKey,
      4 * killAfter,
      20,
      (ack) => {
        onAck(ack);
        if (acked.length >= killAfter && !killed) {
          killed = true;
          collector.child.kill('SIGKILL');
        }
      },
      // Answers already on their way still count: a 202 received is a promise to keep.
      () => killed,
      200,
    );
    await collector.exited;
    expect(killed).toBe(true);
    expect(acked.length).toBeGreaterThanOrEqual(killAfter);
    expect(engagedAcked.length).toBeGreaterThan(killAfter / 3);
    const committedAtKill = storedAtKill(dbPath);
    expect(acked.filter((pvId) => committedAtKill.has(pvId)).length, 'acknowledged page views committed before the kill').toBeGreaterThan(0);
    expect(acked.filter((pvId) => !committedAtKill.has(pvId)).length, 'acknowledged page views only in the intake log at the kill').toBeGreaterThan(0);

    // Restarting replays what the intake log holds beyond the database, on the WAL the kill left behind.
    const again = await spawnCollector({ CLEARVIEW_DB: dbPath });
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);

    const counts = storedCounts(dbPath);
    expect(
      acked.filter((pvId) => counts.get(pvId) !== 1),
      'acknowledged page views not stored exactly once',
    ).toEqual([]);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const engagement = storedEngagement(dbPath);
    expect(
      engagedAcked.filter((pvId) => engagement.get(pvId) !== engagedMs),
      'acknowledged engagement not added exactly once',
    ).toEqual([]);
    expect([...engagement.values()].filter((ms) => ms !== 0 && ms !== engagedMs)).toEqual([]);
  });

  it('flushes queued events, closes the database and exits 0 on SIGTERM', backstop, async () => {
    const { dbPath, siteKey } = newSiteDb('sigterm');
    const collector = await spawnCollector({ CLEARVIEW_DB: dbPath, CLEARVIEW_BATCH_DELAY_MS: '50' });
    const acked: string[] = [];
    let signalled = false;
    await flood(
      collector.port,
      siteKey,
      1500,
      20,
      ({ pvId, kind }) => {
        if (kind === 'pageview') acked.push(pvId);
        if (acked.length === 500 && !signalled) {
          signalled = true;
          collector.child.kill('SIGTERM');
        }
      },
      () => collector.child.exitCode !== null,
    );
    expect(await collector.exited).toBe(0);
    const counts = storedCounts(dbPath);
    expect(acked.filter((pvId) => counts.get(pvId) !== 1)).toEqual([]);
  });

  it('exits 1 on SIGTERM naming how many acknowledged events it left uncommitted, and the next start stores every one', backstop, async () => {
    const { dbPath, siteKey } = newSiteDb('sigterm-uncommitted');
    const collector = await spawnCollector({ CLEARVIEW_DB: dbPath });
    // Another connection holds the write lock, as a long CLI job could: every commit waits out the busy
    // timeout and fails, so each beacon below is acknowledged (in the log) and none is committed.
    const holder = new Database(dbPath);
    holder.exec('BEGIN IMMEDIATE');
    const acked: string[] = [];
    let engagements = 0;
    try {
      await flood(
        collector.port,
        siteKey,
        60,
        // One sender: every third event is an engagement for a page view already acknowledged.
        1,
        ({ pvId, kind }) => (kind === 'pageview' ? acked.push(pvId) : engagements++),
        () => false,
      );
      expect(acked.length).toBe(40);
      expect(engagements).toBe(20);
      collector.child.kill('SIGTERM');
      expect(await collector.exited).toBe(1);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const uncommitted = acked.length + engagements;
    expect(collector.stdout()).toContain(`stopped with ${uncommitted} acknowledged events not committed`);
    expect(collector.stdout()).toContain(`"uncommitted":${uncommitted}`);
    expect(storedCounts(dbPath).size).toBe(0);

    // The next start replays them from the intake log, each once.
    const again = await spawnCollector({ CLEARVIEW_DB: dbPath });
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    const counts = storedCounts(dbPath);
    expect(acked.filter((pvId) => counts.get(pvId) !== 1)).toEqual([]);
    expect(counts.size).toBe(acked.length);
    const engagement = storedEngagement(dbPath);
    expect([...engagement.values()].reduce((sum, ms) => sum + ms, 0)).toBe(engagements * engagedMs);
  });
});
