import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import { createBatchCommit, describeError } from './commit.js';
import { lowerThreadPriority } from '../thread-priority.js';
import type { CommitRequest, FollowRequest, RefreshRequest, WorkerReply } from './worker-committer.js';
import { followInsights } from '../jobs/insight-rollups.js';
import { startScoreChecks } from '../jobs/score-check-thread.js';

/**
 * The batch writer's thread: its own connection commits the batches the main
 * thread sends, so the main thread spends its time on HTTP. It runs no WAL
 * checkpoint of its own (checkpoint-worker.ts does, on another thread), so a batch
 * or a decay chunk holds the writer only for its own work.
 */
const { path, synchronous, checkpointLag } = workerData as { path: string; synchronous: 'NORMAL' | 'FULL'; checkpointLag: SharedArrayBuffer };
// Niceness 5 (about a third of the request thread's weight when both want a core): under a
// beacon flood the p99 fell from 10.8-13.4 to 8.4-11.9 ms in six runs each, and the
// commits kept up (the queue drained in 0.15-0.66 s after either).
lowerThreadPriority(5);
// The writer touches the tails of its indexes and one row per visitor: 8 MB of cache
// kept its speed in the beacon bench and the collector's peak RSS 10-25 MB lower than 32 MB.
const db = openDatabase(path, { walAutocheckpointPages: 0, cacheKib: 8_000, synchronous });
let error: string | null = null;
const writer = createBatchCommit(db, (e) => {
  error = describeError(e);
});
// The decay check reads on a thread of its own and sends its writes here, while the checkpoints keep up.
const checks = startScoreChecks(path, db, () => writer.clock(), checkpointLag);
const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

const closeDatabase = () => {
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // A reader still holds the WAL: the next start checkpoints it.
  }
  db.close();
};

port.on('message', (message: CommitRequest | RefreshRequest | FollowRequest | { type: 'close' }) => {
  if (message.type === 'close') {
    void checks.close().then(() => {
      closeDatabase();
      reply({ type: 'closed' });
    });
    return;
  }
  if (message.type === 'refresh') {
    // Chunks' writes arrive as messages, so batches arriving meanwhile are committed between them.
    writer.setClock(message.now);
    checks.refresh(message.now).then(
      (count) => reply({ type: 'refreshed', id: message.id, count, error: null }),
      (e: unknown) => reply({ type: 'refreshed', id: message.id, count: 0, error: describeError(e) }),
    );
    return;
  }
  if (message.type === 'follow') {
    // Slices too: the rollups never hold up a batch for more than one slice.
    followInsights(db).then(
      (count) => reply({ type: 'followed', id: message.id, count, error: null }),
      (e: unknown) => reply({ type: 'followed', id: message.id, count: 0, error: describeError(e) }),
    );
    return;
  }
  const started = process.hrtime.bigint();
  error = null;
  try {
    const answer = writer.commitBatch(message.batch, message.now);
    reply({ type: 'committed', id: message.id, ...answer, seconds: Number(process.hrtime.bigint() - started) / 1e9, error });
  } catch (e) {
    reply({ type: 'failed', id: message.id, error: describeError(e) });
  }
});
