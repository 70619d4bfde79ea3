import { bootstrapFirstSite, scriptTag } from './bootstrap.js';
import { loadConfig } from './config.js';
import { collectorBaseUrl, createDashboardLink } from './dashboard-link.js';
import { DatabaseLocked, lockDatabase, type DatabaseLock } from './intake/db-lock.js';
import { IntakeLogDamaged } from './intake/log-scan.js';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './server.js';
import { openDatabase } from './store/db.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);

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

if (first) {
  const origin = `http://localhost:${running.port}`;
  // A link, not the key, so signing in to the dashboard needs nothing copied by hand; it works once.
  const link = createDashboardLink(running.ctx.db, { siteId: first.siteId, permission: 'admin' }, collectorBaseUrl(config, running.port));
  // Printed once, to the terminal only: the API key is never logged or shown again.
  process.stdout.write(
    [
      '',
      'ClearView is ready. This is shown once; keep the API key somewhere safe.',
      '',
      `  Site id:        ${first.siteId} (domain: ${config.firstSiteDomain})`,
      `  Site key:       ${first.siteKey}`,
      `  Admin API key:  ${first.apiKey}`,
      `  Webhook secret: ${first.webhookSecret}`,
      '',
      '  Paste this tag into your pages (use your public collector URL):',
      `  ${scriptTag(origin, first.siteKey)}`,
      '',
      '  Open the dashboard (this sign-in link works once, within 10 minutes;',
      `  make another with: npx clearview dashboard-link --site ${first.siteId} --permission admin):`,
      `  ${link.url}`,
      '',
      '  Add your real domain: npx clearview sites update ' + first.siteId + ' --domain example.com',
      '',
    ].join('\n') + '\n',
  );
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: flushing queued events');
    running.close().then(
      () => {
        lock?.release();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
