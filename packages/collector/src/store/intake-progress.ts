import type { Db } from './db.js';
import { prepared } from './prepared.js';

/** The last intake-log sequence number the database holds (0 before the first). */
export function readIntakeProgress(db: Db): number {
  const row = prepared<[], { seq: number }>(db, 'SELECT seq FROM intake_progress WHERE id = 1').get();
  return row?.seq ?? 0;
}

/** Call inside the transaction that writes the events up to `seq`. */
export function saveIntakeProgress(db: Db, seq: number): void {
  prepared(db, 'UPDATE intake_progress SET seq = ? WHERE id = 1').run(seq);
}

export function recordIntakeFailure(db: Db, failure: { seq: number; event: string; error: string; at: number }): void {
  prepared(db, 'INSERT OR REPLACE INTO intake_failures (seq, event, error, failed_at) VALUES (?, ?, ?, ?)').run(failure.seq, failure.event, failure.error, failure.at);
}
