import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiApp } from './api/app.js';
import { createBeaconPath } from './collect/beacon-path.js';
import { createSiteCache } from './collect/site-cache.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { applyConnectionLimits, connectionsCheckingInterval } from './http/connection-limits.js';
import { createHealthHandler, createMetricsHandler } from './http/ops-endpoints.js';
import { sendError } from './http/respond.js';
import { createTrackerFileHandler } from './http/tracker-file.js';
import { notFound } from './errors.js';
import { startIntake } from './intake/start-intake.js';
import { startDeliveries, type Deliveries } from './jobs/delivery-thread.js';
import { dropSummaryJob } from './jobs/drop-summary.js';
import { startJob, type RunningJob } from './jobs/job.js';
import { insightRollupsJob } from './jobs/insight-rollups.js';
import { scoreRefreshJob } from './jobs/score-refresh.js';
import { createSignalFollower, signalFollowJob, type SignalFollower } from './jobs/signal-follower.js';
import { createWatchedDomains } from './alerts/watched-domains.js';
import { createLogger, type Logger } from './logger.js';
import { draftOnContactIdentified } from './make-draft.js';
import { createMetrics } from './metrics.js';
import { installedIpData } from './ip-data/files.js';
import { createResolver, type Resolver } from './resolve/resolver.js';
import { createRescorer } from './score/rescore.js';
import { openDatabase } from './store/db.js';
import { enqueueDeliveries, setEmailAvailable } from './store/deliveries.js';
import { findIdentityDomain, listIdentityPrefixes } from './store/identity.js';
import { createInlineReads, createReadPool } from './store/read-pool.js';
import { rowViews } from './api/row-views.js';
import { createBusySignal } from './busy-signal.js';
import type { OutboxWriter } from './store/signals.js';
import { listWatchedDomains, watchListVersion } from './store/watch-list.js';

export interface ServerOptions {
  config: Config;
  logger?: Logger;
  resolver?: Resolver;
  now?: () => number;
  /** Called, after the outbox's own, in the transaction that stores each new signal (tests record). */
  outboxWriters?: OutboxWriter[];
  /** Outbound requests (webhooks, Slack, email): tests shorten the timeout. */
  outbound?: { timeoutMs?: number };
  /** A fixed jitter draw in [0, 1) for the delivery backoff (tests); plain values only, as the delivery thread reads them. */
  jitter?: number;
}

export interface RunningServer {
  port: number;
  url: string;
  server: Server;
  ctx: AppContext;
  /** The signal writer: its job runs every second; tests call followAll() to catch up at once. */
  signals: SignalFollower;
  /** The port of the CLEARVIEW_METRICS_ADDR listener, when there is one. */
  metricsPort: number | null;
  /**
   * Stops accepting, answers what is in flight, flushes the writer and closes the database;
   * resolves with how many acknowledged events it had to leave uncommitted in the intake log.
   */
  close(): Promise<{ uncommitted: number }>;
  /** Loads the IP data again (after `clearview data update`) and swaps it in without a restart. */
  reloadIpData(): Promise<void>;
}

/** A resolver whose data can be replaced while the beacon path and the API hold on to it. */
function swappableResolver(initial: Resolver): Resolver & { swap(next: Resolver): void } {
  let current = initial;
  return {
    resolve: (siteId, ip) => current.resolve(siteId, ip),
    invalidateSite: (siteId) => current.invalidateSite(siteId),
    clear: () => current.clear(),
    lookupCompany: (domain) => current.lookupCompany(domain),
    stats: () => current.stats(),
    get info() {
      return current.info;
    },
    swap(next) {
      current = next;
    },
  };
}

/** Builds the collector's parts, mounts them on one node:http server, and listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const db = openDatabase(config.dbPath, { synchronous: config.synchronous });
  const loadResolver = () =>
    createResolver({
      identityData: { widths: (siteId) => listIdentityPrefixes(db, siteId), find: (siteId, key, widths) => findIdentityDomain(db, siteId, key, widths) },
      cityDbPath: config.cityDbPath ?? undefined,
      enterpriseFiles: config.enterpriseFiles,
      rdns: { enabled: config.rdns, timeoutMs: 1500 },
      // Cold resolutions cost about a microsecond: a small cache keeps memory and GC pauses small.
      cache: { max: 10_000, ttlMs: 10 * 60 * 1000 },
      // IP data installed by `clearview data update`, else the shipped packages.
      ...installedIpData(config.dataDir),
    });
  const resolver = swappableResolver(options.resolver ?? (await loadResolver()));
  const siteCache = createSiteCache(db);
  const rescorer = createRescorer(db, { now });
  const { writer, committer } = startIntake({ config, db, logger, metrics, now, onIdentityChanged: (siteId) => resolver.invalidateSite(siteId) });
  // Signals follow what was committed, on this thread's connection, in short transactions of their own.
  const watched = createWatchedDomains({ version: () => watchListVersion(db), domains: (siteId) => listWatchedDomains(db, siteId) });
  // New outbox rows wake the delivery thread once their transaction has committed (setImmediate runs after it), not at its next tick.
  let deliveries: Deliveries | null = null;
  let wakeQueued = false;
  const wakeDeliveries: OutboxWriter = () => {
    if (wakeQueued) return;
    wakeQueued = true;
    setImmediate(() => {
      wakeQueued = false;
      deliveries?.wake();
    });
  };
  const signals = createSignalFollower(db, {
    now,
    watched,
    outbox: [
      enqueueDeliveries,
      wakeDeliveries,
      draftOnContactIdentified((error) => logger.error({ err: error }, 'could not make an outreach draft')),
      ...(options.outboxWriters ?? []),
    ],
  });
  // Alerts: what the outbox owes is sent by the delivery thread, never on the beacon path or inside a commit.
  setEmailAvailable(db, config.smtp !== null);
  deliveries = startDeliveries({
    dbPath: config.dbPath,
    db,
    synchronous: config.synchronous,
    checkpointerThread: config.writerThread,
    settings: { publicUrl: config.publicUrl, smtp: config.smtp, allowPrivate: config.allowPrivateWebhooks, timeoutMs: options.outbound?.timeoutMs },
    logger,
    metrics,
    now: options.now,
    jitter: options.jitter,
  });
  const jobs: RunningJob[] = [
    startJob(scoreRefreshJob(committer, now), { logger, metrics }),
    startJob(signalFollowJob(signals), { logger, metrics }),
    startJob(dropSummaryJob(metrics, logger), { logger, metrics }),
  ];
  if (config.insightsEveryMs > 0) jobs.push(startJob(insightRollupsJob(committer, config.insightsEveryMs), { logger, metrics }));
  // API reads get their own threads and connections: a slow list must never hold up the thread that answers beacons.
  const reads =
    config.dbPath === ':memory:'
      ? createInlineReads(db, rowViews)
      : createReadPool(config.dbPath, {
          threads: config.readThreads,
          views: 'api/row-views.js',
          // Reads yield to beacons: while a flood keeps this thread busy more than half the time, at most twenty reads start a second.
          pace: { busy: createBusySignal({ threshold: 0.5, windowMs: 100, minBeaconsPerSecond: 1_000, beacons: metrics.acceptedTotal }), gapMs: 50 },
          onError: (error) => logger.error({ err: error }, 'read thread failed'),
        });
  const ctx: AppContext = { config, db, reads, logger, metrics, resolver, siteCache, writer, now, rescore: (ids) => void rescorer.rescore(ids) };

  const collect = createBeaconPath({ config, db, siteCache, resolver, writer, metrics, logger, now });
  const trackerFile = createTrackerFileHandler(config.trackerFile);
  const health = createHealthHandler(db, () => writer.depth);
  const metricsEndpoint = createMetricsHandler(metrics, { token: config.metrics.token, open: false });
  const api = createApiApp(ctx);
  const server = createHttpServer({ connectionsCheckingInterval: connectionsCheckingInterval(config.connections) }, (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0];
    // The beacon path is matched before anything else and never enters Express.
    if (path === '/api/v1/collect') collect(req, res);
    else if (path === '/t.js') trackerFile(req, res);
    else if (path === '/healthz') health(req, res);
    else if (path === '/metrics') void metricsEndpoint(req, res);
    else api(req, res);
  });
  applyConnectionLimits(server, config.connections);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const metricsServer = config.metrics.addr ? await listenForMetrics(metrics, config.metrics) : null;
  logger.debug({ port, db: config.dbPath }, 'collector listening');
  if (config.allowPrivateWebhooks) {
    logger.warn('CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS=1: webhooks and Slack may call plain http:// URLs and private or loopback addresses; for local testing only');
  }

  let closing: Promise<{ uncommitted: number }> | null = null;
  const close = () => {
    closing ??= new Promise<{ uncommitted: number }>((resolve) => {
      // Attempts in flight are aborted and stay due: the next start sends them.
      const jobsStopped = Promise.all([...jobs.map((job) => job.stop()), deliveries?.stop()]);
      // Commit what is queued now, so that every beacon in flight gets its 202
      // and its connection can end; later arrivals are told to retry (503).
      let writerFailed = false;
      const writerClosed = writer.close().catch((error: unknown) => {
        writerFailed = true;
        logger.error({ err: error }, 'closing the writer failed');
      });
      // Keep-alive sockets go idle as their last answers are written: close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(force);
        metricsServer?.close();
        void Promise.all([writerClosed, jobsStopped, reads.close()]).then(() => {
          db.close();
          resolve({ uncommitted: writerFailed ? Math.max(1, writer.depth) : writer.uncommittedAtClose });
        });
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  // SIGHUP (main.ts) after `clearview data update`: the new data is loaded beside the old, which
  // keeps answering until the swap; a load that fails leaves the old in place.
  const reloadIpData = async () => {
    const next = await loadResolver();
    resolver.swap(next);
    logger.info({ resolver: next.info, data: installedIpData(config.dataDir)?.dir ?? 'shipped' }, 'IP data reloaded');
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    server,
    ctx,
    signals,
    close,
    reloadIpData,
    metricsPort: metricsServer ? (metricsServer.address() as AddressInfo).port : null,
  };
}

/** CLEARVIEW_METRICS_ADDR: /metrics on a listener of its own, off the public one. */
async function listenForMetrics(metrics: ReturnType<typeof createMetrics>, config: Config['metrics']): Promise<Server> {
  const handler = createMetricsHandler(metrics, { token: config.token, open: true });
  const server = createHttpServer((req, res) => {
    if ((req.url ?? '/').split('?', 1)[0] === '/metrics') void handler(req, res);
    else sendError(res, notFound('This listener serves only /metrics'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.addr!.port, config.addr!.host, () => resolve());
  });
  return server;
}
