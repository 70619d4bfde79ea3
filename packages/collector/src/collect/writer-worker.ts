import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import type { EventRecord } from '../store/events.js';
import { createBatchCommit } from './commit.js';
import type { CommitRequest, WorkerReply } from './worker-committer.js';

/**
 * The batch writer's thread: its own connection commits the batches the main
 * thread sends, so the main thread spends its time on HTTP. Checkpoints run on
 * a third thread (store/checkpointer.ts), so no batch waits behind one.
 */
const { path } = workerData as { path: string };
// 25,000 pages (about 100 MB) is only a safety net: the checkpointer thread keeps the WAL small.
const db = openDatabase(path, { walAutocheckpointPages: 25_000 });
let error: string | null = null;
const commitBatch = createBatchCommit(db, (e) => {
  error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
});
const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

port.on('message', (message: CommitRequest | { type: 'close' }) => {
  if (message.type === 'close') {
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A reader still holds the WAL: the next start checkpoints it.
    }
    db.close();
    reply({ type: 'closed' });
    return;
  }
  const started = process.hrtime.bigint();
  error = null;
  try {
    const records = message.recordsJson ? (JSON.parse(message.recordsJson) as EventRecord[]) : message.records!;
    const results = commitBatch({ records, firstSeq: message.firstSeq }, message.now);
    reply({ type: 'committed', id: message.id, results, seconds: Number(process.hrtime.bigint() - started) / 1e9, error });
  } catch (e) {
    reply({ type: 'failed', id: message.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
});
