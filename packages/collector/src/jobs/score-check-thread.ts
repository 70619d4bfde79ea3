import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/db.js';
import { recordScoreChecks, saveScorePlan, type ScorePlan, type SiteScoreCheck } from '../store/company-scores.js';

/** What the writer thread asks of the score-check thread. */
export type ToScoreCheckThread = { type: 'check'; now: number } | { type: 'saved'; id: number; clock: number; error: string | null };

/** What the score-check thread asks of the writer thread. */
export type FromScoreCheckThread =
  | { type: 'save'; id: number; plan: ScorePlan }
  | { type: 'record'; id: number; checks: SiteScoreCheck[]; checkedAt: number }
  | { type: 'checked'; count: number; error: string | null };

/**
 * The writer stores a plan in transactions of at most this long and this many rows, yielding
 * to batches between them. Time, because a row's index entries may be far apart; rows too,
 * because a commit's WAL writes are what the kernel throttles while the disk is behind, and a
 * row dirties several pages: a small commit waits little, and batches go between.
 */
const SAVE_SLICE_MS = 10;
const SAVE_SLICE_ROWS = 32;

export interface ScoreChecks {
  /** Runs a decay check (joining one under way); resolves with how many companies it read. */
  refresh(now: number): Promise<number>;
  /** Stops the check thread; a check under way is dropped (it has stored each chunk it finished). */
  close(): Promise<void>;
}

/** The compiled worker; tests run the TypeScript sources, whose worker is the built one (npm test builds first). */
function workerFile(): URL {
  const sibling = new URL('./score-check-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../dist/jobs/score-check-worker.js', import.meta.url);
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The decay check of the database at `path`, for the thread that holds its write lock
 * (`db`, the writer thread's connection): a thread of its own (jobs/score-check-worker.ts)
 * lists the due companies, reads and scores them on its own connection, and sends each
 * chunk's changes here, where they are stored with a guard (saveScorePlan). So a check
 * holds the writer only for its writes: a read of a page that is not in memory waits on
 * the check's thread, not between two batches. `clock` is the writer's clock (the collector's,
 * as its last batch carried it), which each chunk is scored at. With `checkpointLag` (the
 * checkpointer's, intake/checkpoint-lag.ts), a chunk waits to be sent while the disk is behind.
 */
export function startScoreChecks(path: string, db: Db, clock: () => number, checkpointLag?: SharedArrayBuffer): ScoreChecks {
  let worker: Worker | null = null;
  let running: { promise: Promise<number>; settle: (error: Error | null, count: number) => void } | null = null;

  const save = async (plan: ScorePlan): Promise<void> => {
    const rows = plan.writes.length + plan.dues.length;
    for (let from = 0; from < rows && db.open;) {
      const until = performance.now() + SAVE_SLICE_MS;
      const last = Math.min(rows, from + SAVE_SLICE_ROWS);
      db.transaction(() => {
        do {
          saveScorePlan(db, plan, from, 1);
          from++;
        } while (from < last && performance.now() < until);
      })();
      if (from < rows) await turn();
    }
  };

  const answer = (id: number, work: () => Promise<void> | void) => {
    Promise.resolve()
      .then(work)
      .then(
        () => worker?.postMessage({ type: 'saved', id, clock: clock(), error: null } satisfies ToScoreCheckThread),
        (error: unknown) =>
          worker?.postMessage({ type: 'saved', id, clock: clock(), error: error instanceof Error ? error.message : String(error) } satisfies ToScoreCheckThread),
      );
  };

  const start = (): Worker => {
    const thread = new Worker(workerFile(), { workerData: { path, checkpointLag } });
    thread.on('message', (message: FromScoreCheckThread) => {
      if (message.type === 'save') answer(message.id, () => save(message.plan));
      else if (message.type === 'record') answer(message.id, () => recordScoreChecks(db, message.checks, message.checkedAt));
      else running?.settle(message.error === null ? null : new Error(message.error), message.count);
    });
    // A thread that dies fails its check; the next refresh starts another.
    thread.on('error', (error) => running?.settle(error, 0));
    thread.on('exit', () => {
      if (worker === thread) worker = null;
      running?.settle(new Error('score check thread exited'), 0);
    });
    return thread;
  };

  return {
    refresh(now) {
      if (running) return running.promise;
      worker ??= start();
      let settle!: (error: Error | null, count: number) => void;
      const promise = new Promise<number>((resolve, reject) => {
        settle = (error, count) => {
          running = null;
          if (error) reject(error);
          else resolve(count);
        };
      });
      running = { promise, settle };
      worker.postMessage({ type: 'check', now } satisfies ToScoreCheckThread);
      return promise;
    },
    async close() {
      const thread = worker;
      worker = null;
      // It only reads: stopping it mid-check loses nothing a later check would not redo.
      if (thread) await thread.terminate();
    },
  };
}
