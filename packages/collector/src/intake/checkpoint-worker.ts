import { parentPort, workerData } from 'node:worker_threads';
import { checkpointWal, openDatabase } from '../store/db.js';
import { lowerThreadPriority } from '../thread-priority.js';
import { CheckpointLag, wallMs } from './checkpoint-lag.js';

/**
 * The WAL checkpointer's thread: copies committed WAL pages back into the database
 * file on its own connection, so no commit (a batch, a decay chunk, an ingest on the
 * request thread) ever pays for a checkpoint. PASSIVE never waits for the writer or
 * a reader, so it cannot hold either up.
 */
const { path, everyMs, lag: lagBuffer } = workerData as { path: string; everyMs: number; lag: SharedArrayBuffer };
const lag = new CheckpointLag(lagBuffer);
// Behind the writer (5): a checkpoint can wait, a commit has a queue behind it.
lowerThreadPriority(10);
const db = openDatabase(path, { walAutocheckpointPages: 0, cacheKib: 2_000 });
const port = parentPort!;

const timer = setInterval(() => {
  lag.started(wallMs());
  try {
    checkpointWal(db);
  } catch (error) {
    // SQLITE_BUSY and the like: the next tick tries again; anything else is reported.
    port.postMessage({ type: 'error', error: error instanceof Error ? error.message : String(error) });
  } finally {
    lag.finished(wallMs());
  }
}, everyMs);

port.on('message', (message: { type: 'close' }) => {
  if (message.type !== 'close') return;
  clearInterval(timer);
  db.close();
  port.postMessage({ type: 'closed' });
  // The thread ends once its port is closed: a process that stopped the checkpointer can then exit.
  port.close();
});
