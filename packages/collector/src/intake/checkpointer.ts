import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CheckpointLag } from './checkpoint-lag.js';

export interface Checkpointer {
  /** How far the checkpoints are behind, shared with the threads that pace their writes by it. */
  readonly lag: CheckpointLag;
  close(): Promise<void>;
}

/** The compiled worker; tests run the TypeScript sources, whose worker is the built one (npm test builds first). */
function workerFile(): URL {
  const sibling = new URL('./checkpoint-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../dist/intake/checkpoint-worker.js', import.meta.url);
}

/**
 * Runs WAL checkpoints on their own thread every `everyMs`, for a database whose
 * other connections have automatic checkpoints turned off. A thread that dies is
 * replaced: without it the WAL would only grow.
 */
export function startCheckpointer(path: string, onError: (error: unknown) => void, everyMs = 1_000): Checkpointer {
  let worker: Worker;
  let closing = false;
  let closed: (() => void) | null = null;
  const lag = new CheckpointLag();
  const start = () => {
    worker = new Worker(workerFile(), { workerData: { path, everyMs, lag: lag.buffer } });
    worker.on('message', (message: { type: 'closed' } | { type: 'error'; error: string }) => {
      if (message.type === 'closed') closed?.();
      else onError(new Error(`WAL checkpoint failed: ${message.error}`));
    });
    worker.on('error', (error) => onError(error));
    worker.on('exit', () => {
      if (closing) closed?.();
      else start();
    });
  };
  start();
  return {
    lag,
    close() {
      if (closing) return Promise.resolve();
      closing = true;
      return new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage({ type: 'close' });
      });
    },
  };
}
