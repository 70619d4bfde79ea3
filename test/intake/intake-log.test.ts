import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitRecords, recordBatch } from '../../packages/collector/src/intake/commit.js';
import { IntakeLog, IntakeReader, type LoggedRun } from '../../packages/collector/src/intake/intake-log.js';
import { IntakeLogDamaged } from '../../packages/collector/src/intake/log-scan.js';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { readIntakeProgress } from '../../packages/collector/src/store/intake-progress.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { pageViewRecord } from '../helpers/records.js';
import { startTestServer } from '../helpers/server.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-intake-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const logDir = () => join(dir, 'db-intake');
const segments = () => readdirSync(logDir()).sort();
/** The logged lines at these places, read back as the writer thread reads them. */
const readBack = (runs: LoggedRun | readonly LoggedRun[]) =>
  [runs].flat().flatMap((r) => {
    const jsons: string[] = [];
    const seqs: number[] = [];
    new IntakeReader().read(r.path, r.start, r.end, jsons, seqs);
    return jsons.map((json, i) => ({ seq: seqs[i]!, json }));
  });

const pageView = pageViewRecord;

describe('the intake log', () => {
  it('numbers appended events in order and hands back those after the committed number on open', () => {
    const { log } = IntakeLog.open(logDir(), 0);
    const placed = log.append(['{"a":1}', '{"a":2}']);
    expect([placed.firstSeq, placed.count]).toEqual([1, 2]);
    expect(readBack(placed)).toEqual([
      { seq: 1, json: '{"a":1}' },
      { seq: 2, json: '{"a":2}' },
    ]);
    expect(log.append(['{"a":"é"}']).firstSeq).toBe(3);
    log.close();
    const { log: again, pending } = IntakeLog.open(logDir(), 1);
    expect(readBack(pending)).toEqual([
      { seq: 2, json: '{"a":2}' },
      { seq: 3, json: '{"a":"é"}' },
    ]);
    expect(again.append(['{"a":4}']).firstSeq).toBe(4);
    again.close();
  });

  it('flushes each append to the disk when asked to, and reads back the same', () => {
    const { log } = IntakeLog.open(logDir(), 0, { sync: true });
    expect(log.append(['{"a":1}']).firstSeq).toBe(1);
    log.close();
    expect(readBack(IntakeLog.open(logDir(), 0).pending)).toEqual([{ seq: 1, json: '{"a":1}' }]);
  });

  it('skips a last line torn by a crash, which was never acknowledged', () => {
    const { log } = IntakeLog.open(logDir(), 0);
    log.append(['{"a":1}']);
    log.close();
    appendFileSync(join(logDir(), segments()[0]!), '2 {"a":');
    const { log: again, pending } = IntakeLog.open(logDir(), 0);
    expect(readBack(pending)).toEqual([{ seq: 1, json: '{"a":1}' }]);
    // The torn line's number is given out again: nobody was told it was stored.
    expect(again.append(['{"a":2}']).firstSeq).toBe(2);
    again.close();
    expect(readBack(IntakeLog.open(logDir(), 0).pending).map((e) => e.json)).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('cuts a torn tail off before appending to that segment again, so no acknowledged line runs into it', () => {
    mkdirSync(logDir(), { recursive: true });
    writeFileSync(join(logDir(), '0000000000000005.ndjson'), '5 {"a":');
    const { log, pending } = IntakeLog.open(logDir(), 4);
    expect(pending).toEqual([]);
    expect(log.append(['{"b":1}']).firstSeq).toBe(5);
    log.close();
    expect(readFileSync(join(logDir(), '0000000000000005.ndjson'), 'utf8')).toMatch(/^clearview-intake 2 5 [0-9a-f]{8}\n5 \{"b":1\} [0-9a-f]{8}\n$/);
    expect(readBack(IntakeLog.open(logDir(), 4).pending)).toEqual([{ seq: 5, json: '{"b":1}' }]);
  });

  it('begins each segment with a header naming its first number, and ends each line with the CRC-32 of the rest', () => {
    const { log } = IntakeLog.open(logDir(), 0);
    log.append(['{"a":1}', '["e","é"]']);
    log.close();
    const crc = (text: string) => crc32(text).toString(16).padStart(8, '0');
    expect(readFileSync(join(logDir(), segments()[0]!), 'utf8')).toBe(
      `clearview-intake 2 1 ${crc('clearview-intake 2 1')}\n1 {"a":1} ${crc('1 {"a":1}')}\n2 ["e","é"] ${crc('2 ["e","é"]')}\n`,
    );
  });

  it('reads a segment written before checksums, and appends after it to a new segment with a header', () => {
    mkdirSync(logDir(), { recursive: true });
    writeFileSync(join(logDir(), '0000000000000001.ndjson'), '1 {"a":1}\n2 ["e","x"]\n');
    const { log, pending } = IntakeLog.open(logDir(), 1);
    expect(readBack(pending)).toEqual([{ seq: 2, json: '["e","x"]' }]);
    expect(log.append(['{"a":3}']).firstSeq).toBe(3);
    log.close();
    expect(segments()).toEqual(['0000000000000001.ndjson', '0000000000000003.ndjson']);
    expect(readFileSync(join(logDir(), '0000000000000003.ndjson'), 'utf8')).toMatch(/^clearview-intake 2 3 /);
    expect(readBack(IntakeLog.open(logDir(), 1).pending)).toEqual([
      { seq: 2, json: '["e","x"]' },
      { seq: 3, json: '{"a":3}' },
    ]);
  });

  it('refuses to open a log whose events past the progress are damaged, changing nothing, and names the segment and line', () => {
    const { log } = IntakeLog.open(logDir(), 0);
    log.append(['{"a":1}', '{"a":2}']);
    log.close();
    const path = join(logDir(), segments()[0]!);
    const damaged = readFileSync(path, 'utf8').replace('{"a":2}', '{"a":3}') + '4 {"a":';
    writeFileSync(path, damaged);
    expect(() => IntakeLog.open(logDir(), 0)).toThrow(IntakeLogDamaged);
    expect(() => IntakeLog.open(logDir(), 0)).toThrow(/0000000000000001\.ndjson line 3: the checksum does not match/);
    expect(readFileSync(path, 'utf8')).toBe(damaged);
    // Once the database holds the damaged line's event, the damage no longer matters.
    expect(IntakeLog.open(logDir(), 2).pending).toEqual([]);
  });

  it('deletes a segment once every event in it is in the database, and keeps the one being written', () => {
    const { log } = IntakeLog.open(logDir(), 0, { segmentBytes: 10 });
    log.append(['{"a":1}']);
    log.append(['{"a":2}']);
    log.append(['{"a":3}']);
    expect(segments()).toHaveLength(3);
    log.release(2);
    expect(segments()).toEqual(['0000000000000003.ndjson']);
    log.release(3);
    expect(segments()).toEqual(['0000000000000003.ndjson']);
    log.close();
    const { pending } = IntakeLog.open(logDir(), 3);
    expect(pending).toEqual([]);
    expect(segments()).toEqual([]);
  });
});

describe('committing logged events', () => {
  let db: Db;
  let siteId: string;
  beforeEach(() => {
    db = openDatabase(join(dir, 'c.db'));
    siteId = createSite(db, { name: 'Site', domains: ['example.com'] }).site.id;
  });
  afterEach(() => db.close());

  it('moves the intake progress to the last event of the batch in the same transaction', () => {
    commitRecords(db, recordBatch([pageView(siteId, 'pv_commit_1'), pageView(siteId, 'pv_commit_2')], [41, 42]), Date.now());
    expect(readIntakeProgress(db)).toBe(42);
    expect(db.prepare('SELECT COUNT(*) AS n FROM page_views').get()).toEqual({ n: 2 });
  });

  it('skips what an interrupted attempt already wrote, so an engagement is never added twice', () => {
    const engagement = { kind: 'engagement' as const, siteId, pageViewId: 'pv_commit_1', ts: Date.now(), engagedMs: 500 };
    commitRecords(db, recordBatch([pageView(siteId, 'pv_commit_1'), engagement], [1, 2]), Date.now());
    commitRecords(db, recordBatch([pageView(siteId, 'pv_commit_1'), engagement, { ...engagement, engagedMs: 250 }], [1, 2, 3]), Date.now());
    expect(db.prepare('SELECT engaged_ms FROM page_views WHERE pv_id = ?').get('pv_commit_1')).toEqual({ engaged_ms: 750 });
    expect(readIntakeProgress(db)).toBe(3);
  });

  it('keeps an acknowledged event the database refuses in intake_failures and commits its neighbours', () => {
    const poisoned = pageView(siteId, 'pv_poisoned', { url: null as unknown as string });
    const results = commitRecords(db, recordBatch([pageView(siteId, 'pv_fine_1'), poisoned, pageView(siteId, 'pv_fine_2')], [10, 11, 12]), 1234);
    expect(results.map((r) => 'failed' in r)).toEqual([false, true, false]);
    expect(db.prepare('SELECT pv_id FROM page_views ORDER BY pv_id').all()).toEqual([{ pv_id: 'pv_fine_1' }, { pv_id: 'pv_fine_2' }]);
    const failure = db.prepare('SELECT seq, event, error, failed_at FROM intake_failures').get() as { seq: number; event: string; error: string; failed_at: number };
    expect(failure.seq).toBe(11);
    expect(JSON.parse(failure.event).pageViewId).toBe('pv_poisoned');
    expect(failure.error).toMatch(/NOT NULL/);
    expect(failure.failed_at).toBe(1234);
    expect(readIntakeProgress(db)).toBe(12);
  });

  it('writes the neighbours of an event the database refuses when the batch was not logged, each in its own transaction', () => {
    const poisoned = pageView(siteId, 'pv_poisoned', { url: null as unknown as string });
    const results = commitRecords(db, recordBatch([pageView(siteId, 'pv_fine_1'), poisoned, pageView(siteId, 'pv_fine_2')], null), 1234);
    expect(results.map((r) => 'failed' in r)).toEqual([false, true, false]);
    expect(db.prepare('SELECT pv_id FROM page_views ORDER BY pv_id').all()).toEqual([{ pv_id: 'pv_fine_1' }, { pv_id: 'pv_fine_2' }]);
    // Nothing was acknowledged before the commit, so nothing is kept for the operator or moves the log's progress.
    expect(db.prepare('SELECT COUNT(*) AS n FROM intake_failures').get()).toEqual({ n: 0 });
    expect(readIntakeProgress(db)).toBe(0);
  });
});

describe('the collector and its intake log', () => {
  it('writes events logged before a crash but never committed when it starts again', async () => {
    // The database and log a crash left behind: the log holds two events past the progress.
    const dbDir = mkdtempSync(join(tmpdir(), 'clearview-replay-'));
    const dbPath = join(dbDir, 'clearview.db');
    const db = openDatabase(dbPath);
    const { site: replayed } = createSite(db, { name: 'Replayed', domains: ['example.com'] });
    db.close();
    const { log } = IntakeLog.open(`${dbPath}-intake`, 0);
    log.append([JSON.stringify(pageView(replayed.id, 'pv_replayed_1')), JSON.stringify(pageView(replayed.id, 'pv_replayed_2'))]);
    log.close();
    const again = await startTestServer({ env: { CLEARVIEW_DB: dbPath } });
    await again.settled();
    const rows = again.ctx.db.prepare('SELECT pv_id FROM page_views WHERE site_id = ? ORDER BY pv_id').all(replayed.id);
    expect(rows).toEqual([{ pv_id: 'pv_replayed_1' }, { pv_id: 'pv_replayed_2' }]);
    expect(readIntakeProgress(again.ctx.db)).toBe(2);
    await again.stop();
    // Everything is in the database: the log's segments are gone.
    expect(readdirSync(`${dbPath}-intake`)).toEqual([]);
    rmSync(dbDir, { recursive: true, force: true });
  });

  it('keeps a line it cannot read in intake_failures and still writes the events around it', async () => {
    const dbDir = mkdtempSync(join(tmpdir(), 'clearview-replay-'));
    const dbPath = join(dbDir, 'clearview.db');
    const db = openDatabase(dbPath);
    const { site } = createSite(db, { name: 'Replayed', domains: ['example.com'] });
    db.close();
    const { log } = IntakeLog.open(`${dbPath}-intake`, 0);
    log.append([JSON.stringify(pageView(site.id, 'pv_before_damage')), '{"kind":"pagev', JSON.stringify(pageView(site.id, 'pv_after_damage'))]);
    log.close();
    const server = await startTestServer({ env: { CLEARVIEW_DB: dbPath } });
    await server.settled();
    expect(server.ctx.db.prepare('SELECT pv_id FROM page_views ORDER BY pv_id').all()).toEqual([{ pv_id: 'pv_after_damage' }, { pv_id: 'pv_before_damage' }]);
    expect(server.ctx.db.prepare('SELECT seq, event FROM intake_failures').all()).toEqual([{ seq: 2, event: '{"kind":"pagev' }]);
    await server.stop();
    rmSync(dbDir, { recursive: true, force: true });
  });
});
