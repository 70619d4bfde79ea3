import { createRescorer, type Rescorer } from '../score/rescore.js';
import type { Db } from '../store/db.js';
import { writeEvent, type EventRecord, type WriteOutcome } from '../store/events.js';
import { readIntakeProgress, recordIntakeFailure, saveIntakeProgress } from '../store/intake-progress.js';

/** An event the database refused even on its own. */
export interface FailedWrite {
  failed: true;
}
export type CommitResult = WriteOutcome | FailedWrite;

export interface CommitBatch {
  records: readonly EventRecord[];
  /** The intake-log sequence number of the first record (the rest follow in order), or null for events not logged. */
  firstSeq: number | null;
}

export const isFailedWrite = (result: CommitResult): result is FailedWrite => 'failed' in result;

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Writes a batch in one synchronous transaction (no await inside, as
 * better-sqlite3 requires). If the batch fails, each event is retried in its
 * own transaction, so one poisoned event cannot fail its neighbours.
 *
 * A logged batch moves the intake progress in the same transactions, and an
 * event the database refuses on its own is kept in intake_failures: it was
 * acknowledged, so it may not vanish. Should even that fail (a full disk), this
 * throws and the caller retries the batch later; what an interrupted attempt
 * already wrote is skipped by its sequence number.
 */
export function commitRecords(db: Db, batch: CommitBatch, now: number, onError?: (error: unknown) => void): CommitResult[] {
  const { records, firstSeq } = batch;
  if (firstSeq === null) {
    try {
      return db.transaction(() => records.map((record) => writeEvent(db, record)))();
    } catch (error) {
      onError?.(error);
      if (records.length === 1) return [{ failed: true }];
      return records.map((record) => commitRecords(db, { records: [record], firstSeq: null }, now, onError)[0]!);
    }
  }
  const written = readIntakeProgress(db);
  const skip = Math.min(records.length, Math.max(0, written - firstSeq + 1));
  // Already written by an attempt whose answer was lost: only a changed identity range still matters downstream.
  const results: CommitResult[] = records.slice(0, skip).map((r) => ({ duplicate: false, companyId: null, identityChanged: r.kind === 'identify' }));
  if (skip === records.length) return results;
  const lastSeq = firstSeq + records.length - 1;
  try {
    return results.concat(
      db.transaction(() => {
        const outcomes = records.slice(skip).map((record) => writeEvent(db, record));
        saveIntakeProgress(db, lastSeq);
        return outcomes;
      })(),
    );
  } catch (error) {
    onError?.(error);
  }
  for (let i = skip; i < records.length; i++) {
    const record = records[i]!;
    const seq = firstSeq + i;
    try {
      results.push(
        db.transaction(() => {
          const outcome = writeEvent(db, record);
          saveIntakeProgress(db, seq);
          return outcome;
        })(),
      );
    } catch (error) {
      onError?.(error);
      db.transaction(() => {
        recordIntakeFailure(db, { seq, event: JSON.stringify(record), error: describe(error), at: now });
        saveIntakeProgress(db, seq);
      })();
      results.push({ failed: true });
    }
  }
  return results;
}

/**
 * Commits a batch, then rescores the companies it touched on the same
 * connection: doing it here, in the writer's thread, keeps the thread that
 * answers HTTP from ever waiting for the write lock. The periodic decay refresh
 * runs here too, between batches, for the same reason.
 */
export function createBatchCommit(db: Db, onError?: (error: unknown) => void) {
  let clock = 0;
  const rescorer: Rescorer = createRescorer(db, { now: () => clock });
  const commit = (batch: CommitBatch, now: number): CommitResult[] => {
    const results = commitRecords(db, batch, now, onError);
    const touched = new Set<string>();
    for (const result of results) if (!isFailedWrite(result) && result.companyId) touched.add(result.companyId);
    if (touched.size > 0) {
      clock = now;
      try {
        rescorer.rescore(touched);
      } catch (error) {
        // The events are committed; a failed rescore is retried by the periodic refresh.
        onError?.(error);
      }
    }
    return results;
  };
  /** Rescores every stale score, in slices that let batches through; `now` is the collector's clock. */
  const refreshStale = (now: number): Promise<number> => {
    clock = now;
    return rescorer.refreshStale();
  };
  return { commit, refreshStale };
}
