import { bootstrapFirstSite, firstStartBanner } from './bootstrap.js';
import { loadConfig } from './config.js';
import { collectorBaseUrl, createDashboardLink } from './dashboard-link.js';
import { DatabaseLocked, lockDatabase, type DatabaseLock } from './intake/db-lock.js';
import { IntakeLogDamaged } from './intake/log-scan.js';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './server.js';
import { openDatabase } from './store/db.js';

// Every file and folder this process creates (database, WAL, intake log, lock) holds or guards
// personal data: readable by the collector's user only, whatever umask it was started with.
process.umask(0o077);

const config = loadConfig();
const logger = createLogger(config.logLevel);
for (const warning of config.warnings) logger.warn(warning);

/** Refuses to start, in one log line that says why, for the errors an operator can fix. */
function refuse(error: unknown): never {
  if (error instanceof DatabaseLocked) {
    logger.fatal({ holderPid: error.holderPid, lock: error.lockPath }, `not starting: ${error.message}`);
  } else if (error instanceof IntakeLogDamaged) {
    logger.fatal({ intake: error.dir, problems: error.problems }, `not starting: ${error.message}`);
  } else {
    throw error;
  }
  process.exit(1);
}

// Before anything opens the database or its intake log: a second collector stops here.
let lock: DatabaseLock | null = null;
let first: ReturnType<typeof bootstrapFirstSite> = null;
let running: RunningServer;
try {
  lock = config.dbPath === ':memory:' ? null : lockDatabase(config.dbPath);
  const setupDb = openDatabase(config.dbPath, { synchronous: config.synchronous });
  first = bootstrapFirstSite(setupDb, config.firstSiteDomain);
  setupDb.close();
  running = await startServer({ config, logger });
} catch (error) {
  refuse(error);
}

// The one start line: where the collector is reached.
logger.info({ url: config.publicUrl ?? `http://localhost:${running.port}`, port: running.port, db: config.dbPath }, 'ClearView collector started');

if (first) {
  // On stderr, straight to the terminal: the banner holds a key shown once, which must never pass through the logger.
  process.stderr.write(firstStartBanner(first, config.firstSiteDomain, config.publicUrl ?? `http://localhost:${running.port}`));
  // A link, not the key, so signing in to the dashboard needs nothing copied by hand; it works once.
  const link = createDashboardLink(running.ctx.db, { siteId: first.siteId, permission: 'admin' }, collectorBaseUrl(config, running.port));
  process.stderr.write(
    `  Open the dashboard (this sign-in link works once, within 10 minutes;\n  make another with: npx clearview dashboard-link --site ${first.siteId} --permission admin):\n  ${link.url}\n\n`,
  );
}

// `clearview data update` sends SIGHUP to the collector holding the database lock: new IP data, no restart.
process.on('SIGHUP', () => {
  running.reloadIpData().catch((error: unknown) => logger.error({ err: error }, 'reloading the IP data failed; the data in use stays'));
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: flushing queued events');
    running.close().then(
      ({ uncommitted }) => {
        lock?.release();
        if (uncommitted === 0) process.exit(0);
        // Not lost (the next start replays them), but a supervisor must hear that this stop was not clean.
        logger.error({ uncommitted }, `stopped with ${uncommitted} acknowledged events not committed; they stay in the intake log and the next start replays them`);
        process.exit(1);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
