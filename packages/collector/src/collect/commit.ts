import { createRescorer, type Rescorer } from '../score/rescore.js';
import type { Db } from '../store/db.js';
import { writeEvent, type EventRecord, type WriteOutcome } from '../store/events.js';

/** An event the database refused even on its own: its sender is told to retry. */
export interface FailedWrite {
  failed: true;
}
export type CommitResult = WriteOutcome | FailedWrite;

/**
 * Writes a batch in one synchronous transaction (no await inside, as
 * better-sqlite3 requires). If the batch fails, each event is retried in its
 * own transaction, so one poisoned event cannot fail its neighbours.
 */
export function commitRecords(db: Db, records: readonly EventRecord[], onError?: (error: unknown) => void): CommitResult[] {
  try {
    return db.transaction(() => records.map((record) => writeEvent(db, record)))();
  } catch (error) {
    onError?.(error);
    if (records.length === 1) return [{ failed: true }];
    return records.map((record) => commitRecords(db, [record], onError)[0]!);
  }
}

export const isFailedWrite = (result: CommitResult): result is FailedWrite => 'failed' in result;

/**
 * Commits a batch, then rescores the companies it touched on the same
 * connection: doing it here, in the writer's thread, keeps the thread that
 * answers HTTP from ever waiting for the write lock.
 */
export function createBatchCommit(db: Db, onError?: (error: unknown) => void) {
  let clock = 0;
  const rescorer: Rescorer = createRescorer(db, { now: () => clock });
  return (records: readonly EventRecord[], now: number): CommitResult[] => {
    const results = commitRecords(db, records, onError);
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
}
