import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { pingDatabase, type Db } from '../store/db.js';
import { sendError, sendJson } from './respond.js';

/** GET /healthz: the database answers; the write queue's depth tells a probe how loaded the collector is. */
export function createHealthHandler(db: Db, queueDepth: () => number) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, methodNotAllowed(['GET', 'HEAD']));
    pingDatabase(db);
    sendJson(res, 200, { status: 'ok', queueDepth: queueDepth() });
  };
}

/** GET /metrics: Prometheus text. */
export function createMetricsHandler(metrics: Metrics) {
  return async (_req: IncomingMessage, res: ServerResponse) => {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
    res.end(text);
  };
}
