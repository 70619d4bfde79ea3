import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';
import type { ListKey, ListPage } from './list-page.js';
import { readQueries, type ReadArgs, type ReadName, type ReadResult } from './read-queries.js';

/** Runs the API's read queries away from the thread that answers beacons. */
export interface ReadPool {
  run<K extends ReadName>(name: K, ...args: ReadArgs<K>): Promise<ReadResult<K>>;
  /**
   * A list query whose rows the read thread renders with the named row view (the views
   * module, see RowViews) and writes as JSON text: the page's total, cursor and row count,
   * and `rowsJson`, the rendered rows as a JSON array.
   */
  renderList<K extends ListReadName>(view: RowView, name: K, ...args: ReadArgs<K>): Promise<RenderedList>;
  close(): Promise<void>;
}

/** Row renderers by name, each (row, options) => a JSON-ready object; the API's are api/row-views.ts. */
export type RowViews = Record<string, (row: never, options: never) => unknown>;
/** A row view by name, with its options (cloneable: they cross to the read thread). */
export interface RowView {
  name: string;
  options?: unknown;
}
/** The reads that answer a page: { rows, total, next }. */
export type ListReadName = { [K in ReadName]: ReadResult<K> extends ListPage<unknown> ? K : never }[ReadName];
export interface RenderedList {
  rowsJson: string;
  count: number;
  total: number;
  next: ListKey | null;
}

export type ReadRequest = { type: 'read'; id: number; name: ReadName; args: unknown[]; view?: RowView } | { type: 'close' };
/** An answer comes as `json` text when it is JSON-safe (read-transport.ts), else as a `result` clone. */
export type ReadReply = { type: 'read'; id: number; result?: unknown; json?: string; error?: string } | { type: 'closed' };

type Call = (db: Db, ...args: unknown[]) => unknown;

/** Runs a list read and renders its page with a row view: on whichever thread holds the connection. */
export function renderedList(db: Db, views: RowViews, view: RowView, name: ReadName, args: unknown[]): RenderedList {
  const render = views[view.name] as ((row: unknown, options: unknown) => unknown) | undefined;
  if (!render) throw new Error(`no row view named ${view.name}`);
  const page = (readQueries[name] as Call)(db, ...args) as ListPage<unknown>;
  return { rowsJson: JSON.stringify(page.rows.map((row) => render(row, view.options))), count: page.rows.length, total: page.total, next: page.next };
}

/** On the given connection, on this thread: for an in-memory database, which no other thread can open. */
export function createInlineReads(db: Db, views: RowViews): ReadPool {
  return {
    run(name, ...args) {
      try {
        return Promise.resolve((readQueries[name] as Call)(db, ...args) as ReadResult<typeof name>);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    renderList(view, name, ...args) {
      try {
        return Promise.resolve(renderedList(db, views, view, name, args));
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
 * Reads yield to beacons: while `busy()` says the thread that answers beacons is saturated,
 * reads start at most one per `gapMs` (the others wait their turn in order), so a client
 * reading in a loop costs that thread a bounded share. Otherwise reads start at once.
 */
export interface ReadPace {
  busy: () => boolean;
  gapMs: number;
}

/**
 * Read threads, each with its own connection (WAL lets them read while the writer
 * commits). A query goes to the thread with the fewest in flight; a thread that
 * dies fails its queries (500, logged) and is replaced. `views` is the row views'
 * module, as a path from the compiled collector's root (the read threads import it).
 */
export function createReadPool(path: string, options: { threads: number; views: string; pace?: ReadPace; onError: (error: unknown) => void }): ReadPool {
  interface Thread {
    worker: Worker;
    pending: Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
  }
  let nextId = 0;
  let closing = false;
  const threads: Thread[] = [];

  const start = (index: number) => {
    const thread: Thread = { worker: new Worker(workerFile(), { workerData: { path, views: options.views } }), pending: new Map() };
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

  // Under pressure, each read's turn is at least gapMs after the previous one's.
  let nextTurn = 0;
  const turn = (): Promise<void> | null => {
    if (!options.pace?.busy()) return null;
    const at = Date.now();
    const start = Math.max(at, nextTurn);
    nextTurn = start + options.pace.gapMs;
    return start > at ? new Promise((resolve) => setTimeout(resolve, start - at)) : null;
  };
  const send = (name: ReadName, args: unknown[], view?: RowView): Promise<unknown> => {
    const wait = turn();
    return wait ? wait.then(() => dispatch(name, args, view)) : dispatch(name, args, view);
  };
  const dispatch = (name: ReadName, args: unknown[], view?: RowView) => {
    if (closing) return Promise.reject(new Error('read pool closed'));
    let thread = threads[0]!;
    for (const t of threads) if (t.pending.size < thread.pending.size) thread = t;
    const id = nextId++;
    return new Promise<unknown>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ type: 'read', id, name, args, view } satisfies ReadRequest);
    });
  };
  return {
    run: (name, ...args) => send(name, args) as Promise<ReadResult<typeof name>>,
    renderList: (view, name, ...args) => send(name, args, view) as Promise<RenderedList>,
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
