import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntakeLog } from '../../packages/collector/src/intake/intake-log.js';
import { BatchWriter, createInlineCommitter, type WriterOptions } from '../../packages/collector/src/intake/writer.js';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import type { EngagementRecord } from '../../packages/collector/src/store/events.js';
import { readIntakeProgress } from '../../packages/collector/src/store/intake-progress.js';
import { createSite } from '../../packages/collector/src/store/sites.js';

let dir: string;
let db: Db;
let siteId: string;
let writer: BatchWriter | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-writer-'));
  db = openDatabase(join(dir, 'w.db'));
  siteId = createSite(db, { name: 'Site', domains: ['example.com'] }).site.id;
});
afterEach(async () => {
  await writer?.close();
  writer = null;
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A logged writer on a real database and intake log; engagement for unknown page views lands in orphan_engagements. */
function start(options: Partial<WriterOptions>) {
  const { log } = IntakeLog.open(join(dir, 'w.db-intake'), readIntakeProgress(db));
  writer = new BatchWriter(
    createInlineCommitter(db, () => {}),
    { maxBatch: 2048, maxDelayMs: 0, commitDelayMs: 0, maxQueue: 1000, ...options },
    {},
    Date.now,
    log,
  );
  return writer;
}
/** The writer's callback as a promise, for awaiting in tests. */
const write = (w: BatchWriter, record: EngagementRecord) =>
  new Promise<unknown>((resolve, reject) =>
    w.enqueue(record, (error, outcome) => (error ? reject(error instanceof Error ? error : new Error('the writer refused the event')) : resolve(outcome))),
  );
const engagement = (n: number): EngagementRecord => ({ kind: 'engagement', siteId, pageViewId: `pv_${n}`, ts: Date.now(), engagedMs: n });
const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM orphan_engagements').get() as { n: number }).n;
/** The stored events' page-view ids, in the order they were written. */
const storedIds = () => (db.prepare('SELECT pv_id FROM orphan_engagements ORDER BY id').all() as Array<{ pv_id: string }>).map((r) => r.pv_id);

async function waitFor(check: () => boolean, timeoutMs = 5_000) {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}

describe('the batch writer', () => {
  it('lets a logged event wait for the commit delay, so that a busy writer commits fuller batches', async () => {
    const w = start({ commitDelayMs: 1_000 });
    const started = performance.now();
    expect(await write(w, engagement(1))).toBeNull();
    await write(w, engagement(2));
    expect(stored()).toBe(0);
    await waitFor(() => stored() === 2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('commits a full batch without waiting for the delay', async () => {
    const w = start({ commitDelayMs: 60_000, maxBatch: 3 });
    await Promise.all([write(w, engagement(1)), write(w, engagement(2)), write(w, engagement(3))]);
    await waitFor(() => stored() === 3);
  });

  it('stores every acknowledged event exactly once and in the order sent, without waiting for the delay once a batch is full', async () => {
    const w = start({ commitDelayMs: 60_000, maxBatch: 3 });
    // Three turns of the event loop, each smaller or larger than a batch.
    const turns = [
      [1, 2],
      [3, 4],
      [5, 6, 7, 8, 9],
    ];
    const answers: unknown[] = [];
    for (const turn of turns) answers.push(...(await Promise.all(turn.map((n) => write(w, engagement(n))))));
    // Each sender is answered once its event is logged, before any commit.
    expect(answers).toEqual(Array(9).fill(null));
    // With more events queued than a batch holds, none waits the minute a lone event may wait.
    await waitFor(() => stored() >= 9);
    await w.settled();
    expect(storedIds()).toEqual(['pv_1', 'pv_2', 'pv_3', 'pv_4', 'pv_5', 'pv_6', 'pv_7', 'pv_8', 'pv_9']);
    expect(w.depth).toBe(0);
  });

  it('commits at once when asked to settle or when closing, whatever the delay', async () => {
    const w = start({ commitDelayMs: 60_000 });
    await write(w, engagement(1));
    await w.settled();
    expect(stored()).toBe(1);
    await write(w, engagement(2));
    await w.close();
    writer = null;
    expect(stored()).toBe(2);
  });
});
