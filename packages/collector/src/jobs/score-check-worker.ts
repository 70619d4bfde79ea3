import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointLag, whenCheckpointsKeepUp } from '../intake/checkpoint-lag.js';
import { createRescorer, type ScoreSink } from '../score/rescore.js';
import { openDatabase } from '../store/db.js';
import { lowerThreadPriority } from '../thread-priority.js';
import type { FromScoreCheckThread, ToScoreCheckThread } from './score-check-thread.js';

/**
 * The decay check's thread (jobs/score-check-thread.ts): lists the companies due, reads and
 * scores them on its own read-only connection, and has the writer thread store each chunk.
 */
const { path, checkpointLag } = workerData as { path: string; checkpointLag?: SharedArrayBuffer };
const lag = checkpointLag ? new CheckpointLag(checkpointLag) : null;
// As the checkpointer: a check can wait, a beacon or a batch has someone behind it.
lowerThreadPriority(10);
const db = openDatabase(path, { readOnly: true, cacheKib: 8_000 });
const port = parentPort!;
const send = (message: FromScoreCheckThread) => port.postMessage(message);

// The writer's clock, as its last answer carried it: each chunk is scored at it.
let clock = 0;
let nextId = 0;
const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
const ask = (message: { type: 'save'; plan: Parameters<ScoreSink['save']>[0] } | { type: 'record'; checks: Parameters<ScoreSink['record']>[0]; checkedAt: number }) =>
  new Promise<void>((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    send({ ...message, id });
  });

const rescorer = createRescorer(db, {
  now: () => clock,
  sink: {
    // While the checkpoints lag, the disk is behind and every commit waits on it: the check's
    // writes, which nobody waits for, wait here instead of adding to what the disk has to write.
    save: async (plan) => {
      if (lag) await whenCheckpointsKeepUp(lag);
      return ask({ type: 'save', plan });
    },
    record: (checks, checkedAt) => ask({ type: 'record', checks, checkedAt }),
  },
});

port.on('message', (message: ToScoreCheckThread) => {
  if (message.type === 'check') {
    clock = message.now;
    rescorer.refreshStale().then(
      (count) => send({ type: 'checked', count, error: null }),
      (error: unknown) => send({ type: 'checked', count: 0, error: error instanceof Error ? error.message : String(error) }),
    );
    return;
  }
  clock = message.clock;
  const entry = waiting.get(message.id);
  waiting.delete(message.id);
  if (message.error === null) entry?.resolve();
  else entry?.reject(new Error(message.error));
});
