import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startCheckpointer } from './checkpointer.js';
import type { CommitRequestBatch, CommitResult, CommitSummary } from './commit.js';
import type { BatchCommitter, CommitAnswer } from './writer.js';

export interface CommitRequest {
  type: 'commit';
  id: number;
  batch: CommitRequestBatch;
  /** The main thread's clock, so that scores follow an injected clock in tests. */
  now: number;
}
export interface RefreshRequest {
  type: 'refresh';
  id: number;
  now: number;
}
export interface FollowRequest {
  type: 'follow';
  id: number;
}

export type WorkerReply =
  | { type: 'committed'; id: number; results: CommitResult[] | null; summary: CommitSummary; seconds: number; error: string | null }
  /** The batch as a whole could not be written (nothing of it, or only a prefix, is committed). */
  | { type: 'failed'; id: number; error: string }
  | { type: 'refreshed'; id: number; count: number; error: string | null }
  | { type: 'followed'; id: number; count: number; error: string | null }
  | { type: 'closed' };

/** The compiled worker; tests run the TypeScript sources, whose worker is the built one (npm test builds first). */
function workerFile(): URL {
  const sibling = new URL('./writer-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../dist/intake/writer-worker.js', import.meta.url);
}

/**
 * Commits batches on a worker thread with its own SQLite connection. Batches
 * queue in the worker in order; a worker that dies fails the batches it held
 * (their senders are told to retry) and is replaced. The WAL checkpoints run on a
 * thread of their own beside it (checkpointer.ts), so no commit waits for one.
 */
export function createWorkerCommitter(path: string, onError: (error: unknown) => void, synchronous: 'NORMAL' | 'FULL' = 'NORMAL'): BatchCommitter {
  let worker: Worker;
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: CommitAnswer) => void; reject: (error: unknown) => void }>();
  const refreshes = new Map<number, { resolve: (count: number) => void; reject: (error: unknown) => void }>();
  let closed: (() => void) | null = null;
  let closing = false;
  const checkpointer = startCheckpointer(path, onError);

  const start = () => {
    worker = new Worker(workerFile(), { workerData: { path, synchronous, checkpointLag: checkpointer.lag.buffer } });
    worker.on('message', (message: WorkerReply) => {
      if (message.type === 'closed') {
        closed?.();
        return;
      }
      if (message.type === 'refreshed' || message.type === 'followed') {
        const refresh = refreshes.get(message.id);
        refreshes.delete(message.id);
        if (message.error) refresh?.reject(new Error(`${message.type === 'refreshed' ? 'score refresh' : 'insight rollups'} failed: ${message.error}`));
        else refresh?.resolve(message.count);
        return;
      }
      const entry = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'failed') {
        entry?.reject(new Error(`batch write failed: ${message.error}`));
        return;
      }
      if (message.error) onError(new Error(`batch write failed: ${message.error}`));
      entry?.resolve({ results: message.results, summary: message.summary, seconds: message.seconds });
    });
    worker.on('error', (error) => onError(error));
    worker.on('exit', () => {
      for (const entry of [...pending.values(), ...refreshes.values()]) entry.reject(new Error('writer thread exited'));
      pending.clear();
      refreshes.clear();
      if (closing) closed?.();
      else start();
    });
  };
  start();

  return {
    commit(batch, now) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'commit', id, batch, now } satisfies CommitRequest);
      });
    },
    refreshScores(now) {
      if (closing) return Promise.resolve(0);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        refreshes.set(id, { resolve, reject });
        worker.postMessage({ type: 'refresh', id, now } satisfies RefreshRequest);
      });
    },
    followInsights() {
      if (closing) return Promise.resolve(0);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        refreshes.set(id, { resolve, reject });
        worker.postMessage({ type: 'follow', id } satisfies FollowRequest);
      });
    },
    async close() {
      closing = true;
      // The writer's close runs the last checkpoint (TRUNCATE), once the checkpointer has let go.
      await checkpointer.close();
      await new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage({ type: 'close' });
      });
    },
  };
}
