import { createRescorer, type Rescorer } from '../score/rescore.js';
import type { Db } from '../store/db.js';
import { writeEvent, type EventRecord, type WriteOutcome } from '../store/events.js';
import { readIntakeProgress, recordIntakeFailure, saveIntakeProgress } from '../store/intake-progress.js';
import { IntakeReader } from './intake-log.js';
import { decodeLogRecord } from './log-line.js';

/** An event the database refused even on its own. */
export interface FailedWrite {
  failed: true;
}
export type CommitResult = WriteOutcome | FailedWrite;

export interface CommitBatch {
  records: readonly EventRecord[];
  /** Each record's intake-log sequence number, ascending, or null for events not logged. */
  seqs: readonly number[] | null;
}

export const isFailedWrite = (result: CommitResult): result is FailedWrite => 'failed' in result;

/** An error as one line for logs and intake_failures: its name and message, no stack. */
export const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

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
  const { records, seqs } = batch;
  if (seqs === null) {
    try {
      return db.transaction(() => records.map((record) => writeEvent(db, record)))();
    } catch (error) {
      onError?.(error);
      if (records.length === 1) return [{ failed: true }];
      return records.map((record) => commitRecords(db, { records: [record], seqs: null }, now, onError)[0]!);
    }
  }
  const written = readIntakeProgress(db);
  let skip = 0;
  while (skip < records.length && seqs[skip]! <= written) skip++;
  // Already written by an attempt whose answer was lost: only a changed identity range still matters downstream.
  const results: CommitResult[] = records.slice(0, skip).map((r) => ({ duplicate: false, companyId: null, identityChanged: r.kind === 'identify' }));
  if (skip === records.length) return results;
  const lastSeq = seqs[seqs.length - 1]!;
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
    const seq = seqs[i]!;
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
        recordIntakeFailure(db, { seq, event: JSON.stringify(record), error: describeError(error), at: now });
        saveIntakeProgress(db, seq);
      })();
      results.push({ failed: true });
    }
  }
  return results;
}

/** A run of logged lines in one intake-log segment, from the start of a line to the end of one. */
export interface LoggedRange {
  path: string;
  start: number;
  end: number;
}

/**
 * A batch on its way to the database: logged events as where they lie in the
 * intake log (the writer reads them from there, so nothing is copied across
 * threads and nothing stays in the request thread's memory), others as records.
 */
export type CommitRequestBatch = { ranges: readonly LoggedRange[]; records: null } | { ranges: null; records: readonly EventRecord[] };

/** What the request thread needs to know of a committed batch. */
export interface CommitSummary {
  duplicates: number;
  failed: number;
  /** Sites whose identity data changed: their resolution caches are stale. */
  identitySites: string[];
}

function summarize(records: readonly EventRecord[], results: readonly CommitResult[], unreadable: number): CommitSummary {
  const summary: CommitSummary = { duplicates: 0, failed: unreadable, identitySites: [] };
  results.forEach((result, i) => {
    if (isFailedWrite(result)) summary.failed += 1;
    else if (result.duplicate) summary.duplicates += 1;
    else if (result.identityChanged && !summary.identitySites.includes(records[i]!.siteId)) summary.identitySites.push(records[i]!.siteId);
  });
  return summary;
}

/**
 * Commits batches, then rescores the companies each touched on the same
 * connection: doing it here, in the writer's thread, keeps the thread that
 * answers HTTP from ever waiting for the write lock. The periodic decay refresh
 * runs here too, between batches, for the same reason.
 */
export function createBatchCommit(db: Db, onError?: (error: unknown) => void) {
  let clock = 0;
  const rescorer: Rescorer = createRescorer(db, { now: () => clock });
  const reader = new IntakeReader();

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

  /** Events not logged (an in-memory database): each sender learns its own outcome. */
  const commitRecordsNow = (records: readonly EventRecord[], now: number) => {
    const results = commit({ records, seqs: null }, now);
    return { results, summary: summarize(records, results, 0) };
  };

  /** Logged events, read back from the intake log. */
  const commitLogged = (ranges: readonly LoggedRange[], now: number): CommitSummary => {
    const records: EventRecord[] = [];
    const seqs: number[] = [];
    let unreadable = 0;
    for (const range of ranges) {
      for (const line of reader.read(range.path, range.start, range.end)) {
        try {
          records.push(decodeLogRecord(line.json));
          seqs.push(line.seq);
        } catch (error) {
          // Only a damaged disk writes a line we cannot read: keep its bytes for the operator.
          unreadable += 1;
          recordIntakeFailure(db, { seq: line.seq, event: line.json, error: describeError(error), at: now });
        }
      }
    }
    reader.keepOnly(new Set(ranges.map((r) => r.path)));
    const results = commit({ records, seqs }, now);
    return summarize(records, results, unreadable);
  };

  /** Rescores every stale score, in slices that let batches through; `now` is the collector's clock. */
  const refreshStale = (now: number): Promise<number> => {
    clock = now;
    return rescorer.refreshStale();
  };
  /** Each record's outcome for a batch of records; logged batches answer with the summary only. */
  const commitBatch = (batch: CommitRequestBatch, now: number): { results: CommitResult[] | null; summary: CommitSummary } =>
    batch.ranges ? { results: null, summary: commitLogged(batch.ranges, now) } : commitRecordsNow(batch.records, now);

  return { commitBatch, refreshStale };
}
