import { createRescorer, type Rescorer } from '../score/rescore.js';
import type { Db } from '../store/db.js';
import { writeEvent, type EventRecord, type FirstRecord, type WriteOutcome } from '../store/events.js';
import { readIntakeProgress, recordIntakeFailure, saveIntakeProgress } from '../store/intake-progress.js';
import { IntakeReader } from './intake-log.js';
import { decodeLogRecord } from './log-line.js';

/** An event the database refused even on its own. */
export interface FailedWrite {
  failed: true;
}
export type CommitResult = WriteOutcome | FailedWrite;

/**
 * The events of one batch, each produced when it is written: a logged batch
 * decodes its lines one by one, so its 2,000 decoded events are never alive
 * together (the writer thread's garbage collector used to copy and promote them).
 */
export interface CommitBatch {
  count: number;
  record(i: number): EventRecord;
  /** The i-th event as kept in intake_failures when the database refuses it. */
  failureText(i: number): string;
  /** Each event's intake-log sequence number, ascending, or null for events not logged. */
  seqs: readonly number[] | null;
}

/** A batch of events already in memory. */
export const recordBatch = (records: readonly EventRecord[], seqs: readonly number[] | null): CommitBatch => ({
  count: records.length,
  record: (i) => records[i]!,
  failureText: (i) => JSON.stringify(records[i]),
  seqs,
});

/** A batch of logged lines, decoded on demand. */
function lineBatch(lines: readonly string[], seqs: readonly number[]): CommitBatch {
  return {
    count: lines.length,
    record: (i) => decodeLogRecord(lines[i]!),
    failureText: (i) => {
      // Only a damaged disk writes a line we cannot read: keep its bytes for the operator.
      try {
        return JSON.stringify(decodeLogRecord(lines[i]!));
      } catch {
        return lines[i]!;
      }
    },
    seqs,
  };
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
  const { count, seqs } = batch;
  if (seqs === null) {
    try {
      return db
        .transaction(() => {
          const outcomes = new Array<CommitResult>(count);
          for (let i = 0; i < count; i++) outcomes[i] = writeEvent(db, batch.record(i));
          return outcomes;
        })
        .immediate();
    } catch (error) {
      onError?.(error);
      if (count === 1) return [{ failed: true }];
      const results: CommitResult[] = [];
      for (let i = 0; i < count; i++) {
        try {
          results.push(db.transaction(() => writeEvent(db, batch.record(i))).immediate());
        } catch (single) {
          onError?.(single);
          results.push({ failed: true });
        }
      }
      return results;
    }
  }
  const written = readIntakeProgress(db);
  let skip = 0;
  while (skip < count && seqs[skip]! <= written) skip++;
  // Already written by an attempt whose answer was lost: only a changed identity range still matters downstream.
  const results: CommitResult[] = [];
  for (let i = 0; i < skip; i++) results.push({ duplicate: false, companyId: null, identityChanged: identifyAt(batch, i) });
  if (skip === count) return results;
  const lastSeq = seqs[count - 1]!;
  try {
    // IMMEDIATE: the write lock is taken (waiting for it) before writeEvent's first read. A deferred
    // transaction cannot upgrade once the main thread's follower or delivery job committed meanwhile:
    // it fails at once with SQLITE_BUSY, and the retry below could send an acknowledged event to intake_failures.
    db.transaction(() => {
      for (let i = skip; i < count; i++) results.push(writeEvent(db, batch.record(i)));
      saveIntakeProgress(db, lastSeq);
    }).immediate();
    return results;
  } catch (error) {
    results.length = skip;
    onError?.(error);
  }
  for (let i = skip; i < count; i++) {
    const seq = seqs[i]!;
    try {
      results.push(
        db
          .transaction(() => {
            const outcome = writeEvent(db, batch.record(i));
            saveIntakeProgress(db, seq);
            return outcome;
          })
          .immediate(),
      );
    } catch (error) {
      onError?.(error);
      db.transaction(() => {
        recordIntakeFailure(db, { seq, event: batch.failureText(i), error: describeError(error), at: now });
        saveIntakeProgress(db, seq);
      })();
      results.push({ failed: true });
    }
  }
  return results;
}

function identifyAt(batch: CommitBatch, i: number): boolean {
  try {
    return batch.record(i).kind === 'identify';
  } catch {
    return false;
  }
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
  /** Companies and contacts the batch created, for the log (at most firstsPerBatch). */
  firsts: FirstRecord[];
}

/** A first batch on a new site can create hundreds of companies: the log names a bounded number. */
const firstsPerBatch = 50;

function summarize(batch: CommitBatch, results: readonly CommitResult[]): CommitSummary {
  const summary: CommitSummary = { duplicates: 0, failed: 0, identitySites: [], firsts: [] };
  results.forEach((result, i) => {
    if (isFailedWrite(result)) return void (summary.failed += 1);
    if (result.first && summary.firsts.length < firstsPerBatch) summary.firsts.push(result.first);
    if (result.duplicate) summary.duplicates += 1;
    else if (result.identityChanged) {
      // Rare (identify events only): decoding the event again is cheaper than keeping every event.
      const { siteId } = batch.record(i);
      if (!summary.identitySites.includes(siteId)) summary.identitySites.push(siteId);
    }
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
    const batch = recordBatch(records, null);
    const results = commit(batch, now);
    return { results, summary: summarize(batch, results) };
  };

  /** Logged events, read back from the intake log. */
  const commitLogged = (ranges: readonly LoggedRange[], now: number): CommitSummary => {
    const lines: string[] = [];
    const seqs: number[] = [];
    for (const range of ranges) reader.read(range.path, range.start, range.end, lines, seqs);
    reader.keepOnly(new Set(ranges.map((r) => r.path)));
    const batch = lineBatch(lines, seqs);
    return summarize(batch, commit(batch, now));
  };

  /** Rescores every stale score, in slices that let batches through; `now` is the collector's clock. */
  const refreshStale = (now: number): Promise<number> => {
    clock = now;
    return rescorer.refreshStale();
  };
  /** Each record's outcome for a batch of records; logged batches answer with the summary only. */
  const commitBatch = (batch: CommitRequestBatch, now: number): { results: CommitResult[] | null; summary: CommitSummary } =>
    batch.ranges ? { results: null, summary: commitLogged(batch.ranges, now) } : commitRecordsNow(batch.records, now);

  return {
    commitBatch,
    refreshStale,
    /** The collector's clock as the last batch or refresh carried it (the score-check thread scores at it). */
    clock: () => clock,
    setClock: (now: number) => {
      clock = now;
    },
  };
}
