import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../thread-priority.js';
import { openDatabase } from './db.js';
import { readQueries } from './read-queries.js';
import { isJsonSafe } from './read-transport.js';
import { renderedList, type ReadReply, type ReadRequest, type RowViews } from './read-pool.js';
import type { Db } from './db.js';

/**
 * A read thread: the API's list and detail queries run here on their own
 * connection, so a slow read never holds up the thread that answers beacons.
 * It yields contested cores to that thread: a read's client can wait a little,
 * a beacon's answer should not.
 */
const { path, views: viewsPath } = workerData as { path: string; views: string };
lowerThreadPriority(10);
// The row views live with the API (api/row-views.ts): the pool names their module, so the store imports nothing of the API.
const views = ((await import(new URL(`../${viewsPath}`, import.meta.url).href)) as { rowViews: RowViews }).rowViews;
const db = openDatabase(path, { readOnly: true });
const port = parentPort!;

type Call = (db: Db, ...args: unknown[]) => unknown;

port.on('message', (message: ReadRequest) => {
  if (message.type === 'close') {
    db.close();
    port.postMessage({ type: 'closed' } satisfies ReadReply);
    port.close();
    return;
  }
  try {
    if (message.view) {
      port.postMessage({ type: 'read', id: message.id, result: renderedList(db, views, message.view, message.name, message.args) } satisfies ReadReply);
      return;
    }
    const result = (readQueries[message.name] as Call)(db, ...message.args);
    port.postMessage(
      (isJsonSafe(result) ? { type: 'read', id: message.id, json: JSON.stringify(result) } : { type: 'read', id: message.id, result }) satisfies ReadReply,
    );
  } catch (error) {
    port.postMessage({ type: 'read', id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies ReadReply);
  }
});
