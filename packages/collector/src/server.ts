import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiApp } from './api/app.js';
import type { CompanyProfileLike, NetworkResolution } from './collect/event.js';
import type { CompanyProfile } from './resolve/types.js';
import { createCollectHandler } from './collect/handler.js';
import { IntakeLog } from './intake/intake-log.js';
import { RecentPageViews } from './collect/recent-page-views.js';
import { createSiteCache } from './collect/site-cache.js';
import { addClient } from './collect/steps/add-client.js';
import { addNetwork } from './collect/steps/add-network.js';
import { addVisitorId } from './collect/steps/add-visitor-id.js';
import { dropForeignHost } from './collect/steps/drop-foreign-host.js';
import { dropUnknownSite } from './collect/steps/drop-unknown-site.js';
import { createVisitorIdDeriver } from './collect/visitor-id.js';
import { createWorkerCommitter } from './intake/worker-committer.js';
import { BatchWriter, createInlineCommitter } from './intake/writer.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { methodNotAllowed } from './errors.js';
import { sendError, sendJson } from './http/respond.js';
import { createTrackerFileHandler } from './http/tracker-file.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { companyDomainFromEmail } from './resolve/email-domain.js';
import { parseCidr } from './resolve/ip.js';
import { createResolver, type Resolver } from './resolve/resolver.js';
import { createRescorer } from './score/rescore.js';
import { openDatabase } from './store/db.js';
import { findIdentityDomain, listIdentityPrefixes } from './store/identity.js';
import { readIntakeProgress } from './store/intake-progress.js';

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

/** A single address as an identity range, its prefix counted over the 16-byte form. */
function singleAddressRange(ip: string) {
  const range = parseCidr(ip);
  return range ? { lo: range.lo, hi: range.hi, prefix: 128 } : null;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const db = openDatabase(config.dbPath);
  // Each resolver miss asks the site's identity data; knowing which range widths a
  // site uses (none, for most) saves a query a miss. Kept until the data changes.
  const identityPrefixes = new Map<string, number[]>();
  const prefixesOf = (siteId: string) => {
    let prefixes = identityPrefixes.get(siteId);
    if (!prefixes) identityPrefixes.set(siteId, (prefixes = listIdentityPrefixes(db, siteId)));
    return prefixes;
  };
  const loaded =
    options.resolver ??
    (await createResolver({
      identity: (siteId, key) => {
        const prefixes = prefixesOf(siteId);
        return prefixes.length === 0 ? null : findIdentityDomain(db, siteId, key, prefixes);
      },
      hasIdentity: (siteId) => prefixesOf(siteId).length > 0,
      cityDbPath: config.cityDbPath ?? undefined,
      rdns: { enabled: config.rdns, timeoutMs: 1500 },
      // Cold resolutions cost about a microsecond: a small cache keeps memory and GC pauses small.
      cache: { max: 10_000, ttlMs: 10 * 60 * 1000 },
    }));
  // Whoever changes identity data (ingest, identify) invalidates the site in the resolver: forget its widths too.
  const resolver: Resolver = {
    ...loaded,
    resolve: (siteId, ip) => loaded.resolve(siteId, ip),
    invalidateSite: (siteId) => {
      identityPrefixes.delete(siteId);
      loaded.invalidateSite(siteId);
    },
    clear: () => {
      identityPrefixes.clear();
      loaded.clear();
    },
  };
  const siteCache = createSiteCache(db);

  const rescorer = createRescorer(db, { now });
  const logWriteError = (error: unknown) => logger.error({ err: error }, 'batch write failed');
  // The writer thread takes SQLite's work off the thread that answers HTTP; an
  // in-memory database cannot be shared with it, so it is written inline.
  const threaded = config.dbPath !== ':memory:' && config.writerThread;
  const committer = threaded ? createWorkerCommitter(config.dbPath, logWriteError) : createInlineCommitter(db, logWriteError);
  // Scores decay with time: refresh the stale ones every minute so none is more than five minutes old.
  // The writer does it between batches: on this thread a big site's refresh would hold up requests
  // and wait for the write lock.
  let refreshing: Promise<unknown> | null = null;
  const refreshScores = () => {
    refreshing ??= committer
      .refreshScores(now())
      .catch((error: unknown) => logger.error({ err: error }, 'score refresh failed'))
      .finally(() => {
        refreshing = null;
      });
  };
  const decayTimer = setInterval(refreshScores, 60_000);
  decayTimer.unref();
  refreshScores();
  // An in-memory database does not outlive the process, so logging ahead of it would protect nothing.
  const intake = config.dbPath === ':memory:' ? null : IntakeLog.open(`${config.dbPath}-intake`, readIntakeProgress(db), { sync: config.syncIntake });
  const writer = new BatchWriter(
    committer,
    config.writer,
    {
      onBatch: (size, seconds) => {
        metrics.batchSize.observe(size);
        metrics.commitSeconds.observe(seconds);
      },
      // Scores were already refreshed by the committer, on the writer's connection.
      onCommitted: (summary) => {
        for (const siteId of summary.identitySites) resolver.invalidateSite(siteId);
        if (summary.duplicates > 0) metrics.eventsDropped.inc({ reason: 'duplicate_page_view' }, summary.duplicates);
      },
      onError: logWriteError,
    },
    now,
    intake?.log ?? null,
  );
  metrics.watchQueueDepth(() => writer.depth);
  if (intake && intake.pending.length > 0) {
    // Events acknowledged before a crash and not yet in the database go first.
    logger.warn({ events: intake.pending.reduce((n, run) => n + run.count, 0) }, 'replaying events logged before the last stop');
    writer.resume(intake.pending);
  }
  const ctx: AppContext = { config, db, logger, metrics, resolver, siteCache, writer, now, rescore: (ids) => void rescorer.rescore(ids) };

  // A resolution is the step's answer as it is: resolutions are never mutated, so a
  // copy per beacon would only feed the garbage collector. With a logo template, each
  // company profile (shared by every resolution naming it) gets its logo URL once.
  const template = config.logoUrlTemplate;
  const withLogo = new WeakMap<CompanyProfile, CompanyProfileLike>();
  const resolveNetwork = (siteId: string, ip: string): NetworkResolution => {
    const r = resolver.resolve(siteId, ip);
    if (!template || !r.company) return r;
    let company = withLogo.get(r.company);
    if (!company) withLogo.set(r.company, (company = { ...r.company, logoUrl: template.replace('{domain}', r.company.domain) }));
    return { ...r, company };
  };

  // Cheap checks first, enrichment after, the network lookup last because it is the dearest.
  const steps = [dropUnknownSite(siteCache.find), dropForeignHost, addClient, addVisitorId(createVisitorIdDeriver(db)), addNetwork(resolveNetwork)];
  const collect = createCollectHandler({
    steps,
    writer,
    // About a minute of beacons at a few hundred a second: the window in which trackers resend.
    recentPageViews: new RecentPageViews(20_000),
    identity: { companyDomainFromEmail, singleAddressRange },
    metrics,
    logger,
    trustProxyHops: config.trustProxyHops,
    now,
  });
  const trackerFile = createTrackerFileHandler(config.trackerFile);
  const api = createApiApp(ctx);

  const health = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, methodNotAllowed(['GET', 'HEAD']));
    db.prepare('SELECT 1').get();
    sendJson(res, 200, { status: 'ok', queueDepth: writer.depth });
  };
  const metricsEndpoint = async (_req: IncomingMessage, res: ServerResponse) => {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
    res.end(text);
  };

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
      clearInterval(decayTimer);
      // Commit what is queued now, so that every beacon in flight gets its 202
      // and its connection can end; later arrivals are told to retry (503).
      const writerClosed = writer.close().catch((error: unknown) => logger.error({ err: error }, 'closing the writer failed'));
      // Keep-alive sockets go idle as their last answers are written: close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(force);
        void writerClosed.then(() => {
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
