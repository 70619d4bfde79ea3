import type { Config } from '../config.js';
import { logFirst } from '../first-records.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { disableAutocheckpoint, type Db } from '../store/db.js';
import { readIntakeProgress } from '../store/intake-progress.js';
import { IntakeLog } from './intake-log.js';
import { createWorkerCommitter } from './worker-committer.js';
import { BatchWriter, createInlineCommitter, type BatchCommitter } from './writer.js';

export interface IntakeDeps {
  config: Config;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** A committed batch changed this site's identity data: answers resolved from the old data are stale. */
  onIdentityChanged: (siteId: string) => void;
}

export interface Intake {
  writer: BatchWriter;
  committer: BatchCommitter;
}

/**
 * The commit side of the beacon path: the intake log, the batch writer over it,
 * and where batches commit (the writer thread, or inline for an in-memory
 * database, which cannot be shared with a thread). Events logged before the last
 * stop and not yet in the database are queued first.
 */
export function startIntake({ config, db, logger, metrics, now, onIdentityChanged }: IntakeDeps): Intake {
  // An in-memory database does not outlive the process, so logging ahead of it would protect nothing.
  // Opened first: a damaged log (IntakeLogDamaged) stops the start before a writer thread exists.
  const intake = config.dbPath === ':memory:' ? null : IntakeLog.open(`${config.dbPath}-intake`, readIntakeProgress(db), { sync: config.syncIntake });
  for (const tail of intake?.tornTails ?? []) {
    logger.warn(
      { segment: tail.segment, bytes: tail.bytes },
      `cut a torn tail of ${tail.bytes} bytes off intake segment ${tail.segment}: a write cut short, never acknowledged`,
    );
  }
  const logWriteError = (error: unknown) => logger.error({ err: error }, 'batch write failed');
  const threaded = config.dbPath !== ':memory:' && config.writerThread;
  // The checkpointer thread beside the writer takes over every checkpoint, the request thread's included.
  if (threaded) disableAutocheckpoint(db);
  const committer = threaded ? createWorkerCommitter(config.dbPath, logWriteError, config.synchronous) : createInlineCommitter(db, logWriteError);
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
        for (const siteId of summary.identitySites) onIdentityChanged(siteId);
        for (const first of summary.firsts) logFirst(logger, first);
        if (summary.duplicates > 0) metrics.eventsDropped.inc({ reason: 'duplicate_page_view' }, summary.duplicates);
      },
      onError: logWriteError,
    },
    now,
    intake?.log ?? null,
  );
  metrics.watchQueueDepth(() => writer.depth);
  if (intake && intake.pending.length > 0) {
    logger.warn({ events: intake.pending.reduce((n, run) => n + run.count, 0) }, 'replaying events logged before the last stop');
    writer.resume(intake.pending);
  }
  return { writer, committer };
}
