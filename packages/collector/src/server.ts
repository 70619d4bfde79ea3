import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiApp } from './api/app.js';
import { createBeaconPath } from './collect/beacon-path.js';
import { createSiteCache } from './collect/site-cache.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { createHealthHandler, createMetricsHandler } from './http/ops-endpoints.js';
import { createTrackerFileHandler } from './http/tracker-file.js';
import { startIntake } from './intake/start-intake.js';
import { startJob } from './jobs/job.js';
import { insightRollupsJob } from './jobs/insight-rollups.js';
import { scoreRefreshJob } from './jobs/score-refresh.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createResolver, type Resolver } from './resolve/resolver.js';
import { createRescorer } from './score/rescore.js';
import { openDatabase } from './store/db.js';
import { findIdentityDomain, listIdentityPrefixes } from './store/identity.js';
import { createInlineReads, createReadPool } from './store/read-pool.js';

export interface ServerOptions {
  config: Config;
  logger?: Logger;
  resolver?: Resolver;
  now?: () => number;
}

export interface RunningServer {
  port: number;
  url: string;
  server: Server;
  ctx: AppContext;
  /** Stops accepting, answers what is in flight, flushes the writer and closes the database. */
  close(): Promise<void>;
}

/** Builds the collector's parts, mounts them on one node:http server, and listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const db = openDatabase(config.dbPath, { synchronous: config.synchronous });
  const resolver =
    options.resolver ??
    (await createResolver({
      identityData: { widths: (siteId) => listIdentityPrefixes(db, siteId), find: (siteId, key, widths) => findIdentityDomain(db, siteId, key, widths) },
      cityDbPath: config.cityDbPath ?? undefined,
      enterpriseFiles: config.enterpriseFiles,
      rdns: { enabled: config.rdns, timeoutMs: 1500 },
      // Cold resolutions cost about a microsecond: a small cache keeps memory and GC pauses small.
      cache: { max: 10_000, ttlMs: 10 * 60 * 1000 },
    }));
  const siteCache = createSiteCache(db);
  const rescorer = createRescorer(db, { now });
  const { writer, committer } = startIntake({ config, db, logger, metrics, now, onIdentityChanged: (siteId) => resolver.invalidateSite(siteId) });
  const jobs = [startJob(scoreRefreshJob(committer, now), { logger, metrics })];
  if (config.insightsEveryMs > 0) jobs.push(startJob(insightRollupsJob(committer, config.insightsEveryMs), { logger, metrics }));
  // API reads get their own threads and connections: a slow list must never hold up the thread that answers beacons.
  const reads =
    config.dbPath === ':memory:'
      ? createInlineReads(db)
      : createReadPool(config.dbPath, { threads: config.readThreads, onError: (error) => logger.error({ err: error }, 'read thread failed') });
  const ctx: AppContext = { config, db, reads, logger, metrics, resolver, siteCache, writer, now, rescore: (ids) => void rescorer.rescore(ids) };

  const collect = createBeaconPath({ config, db, siteCache, resolver, writer, metrics, logger, now });
  const trackerFile = createTrackerFileHandler(config.trackerFile);
  const health = createHealthHandler(db, () => writer.depth);
  const metricsEndpoint = createMetricsHandler(metrics);
  const api = createApiApp(ctx);
  const server = createHttpServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0];
    // The beacon path is matched before anything else and never enters Express.
    if (path === '/api/v1/collect') collect(req, res);
    else if (path === '/t.js') trackerFile(req, res);
    else if (path === '/healthz') health(req, res);
    else if (path === '/metrics') void metricsEndpoint(req, res);
    else api(req, res);
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, db: config.dbPath }, 'collector listening');

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      const jobsStopped = Promise.all(jobs.map((job) => job.stop()));
      // Commit what is queued now, so that every beacon in flight gets its 202
      // and its connection can end; later arrivals are told to retry (503).
      const writerClosed = writer.close().catch((error: unknown) => logger.error({ err: error }, 'closing the writer failed'));
      // Keep-alive sockets go idle as their last answers are written: close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(force);
        void Promise.all([writerClosed, jobsStopped, reads.close()]).then(() => {
          db.close();
          resolve();
        });
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { port, url: `http://127.0.0.1:${port}`, server, ctx, close };
}
