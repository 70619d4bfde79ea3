import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';
import { readQueries, type ReadArgs, type ReadName, type ReadResult } from './read-queries.js';

/** Runs the API's read queries away from the thread that answers beacons. */
export interface ReadPool {
  run<K extends ReadName>(name: K, ...args: ReadArgs<K>): Promise<ReadResult<K>>;
  close(): Promise<void>;
}

export type ReadRequest = { type: 'read'; id: number; name: ReadName; args: unknown[] } | { type: 'close' };
/** An answer comes as `json` text when it is JSON-safe (read-transport.ts), else as a `result` clone. */
export type ReadReply = { type: 'read'; id: number; result?: unknown; json?: string; error?: string } | { type: 'closed' };

type Call = (db: Db, ...args: unknown[]) => unknown;

/** On the given connection, on this thread: for an in-memory database, which no other thread can open. */
export function createInlineReads(db: Db): ReadPool {
  return {
    run(name, ...args) {
      try {
        return Promise.resolve((readQueries[name] as Call)(db, ...args) as ReadResult<typeof name>);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close: () => Promise.resolve(),
  };
}

/** The compiled worker; tests run the TypeScript sources, whose worker is the built one (npm test builds first). */
function workerFile(): URL {
  const sibling = new URL('./read-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../dist/store/read-worker.js', import.meta.url);
}

/**
 * Read threads, each with its own connection (WAL lets them read while the writer
 * commits). A query goes to the thread with the fewest in flight; a thread that
 * dies fails its queries (500, logged) and is replaced.
 */
export function createReadPool(path: string, options: { threads: number; onError: (error: unknown) => void }): ReadPool {
  interface Thread {
    worker: Worker;
    pending: Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
  }
  let nextId = 0;
  let closing = false;
  const threads: Thread[] = [];

  const start = (index: number) => {
    const thread: Thread = { worker: new Worker(workerFile(), { workerData: { path } }), pending: new Map() };
    threads[index] = thread;
    thread.worker.on('message', (reply: ReadReply) => {
      if (reply.type !== 'read') return;
      const call = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      if (reply.error !== undefined) call?.reject(new Error(`read failed: ${reply.error}`));
      else call?.resolve(reply.json !== undefined ? JSON.parse(reply.json) : reply.result);
    });
    thread.worker.on('error', (error) => options.onError(error));
    thread.worker.on('exit', () => {
      for (const call of thread.pending.values()) call.reject(new Error('read thread exited'));
      thread.pending.clear();
      if (!closing) start(index);
    });
    // An idle read thread never keeps the process alive.
    thread.worker.unref();
  };
  for (let i = 0; i < Math.max(1, options.threads); i++) start(i);

  return {
    run(name, ...args) {
      if (closing) return Promise.reject(new Error('read pool closed'));
      let thread = threads[0]!;
      for (const t of threads) if (t.pending.size < thread.pending.size) thread = t;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        thread.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        thread.worker.postMessage({ type: 'read', id, name, args } satisfies ReadRequest);
      });
    },
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
