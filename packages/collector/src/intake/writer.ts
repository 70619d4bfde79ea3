import type { Db } from '../store/db.js';
import type { EventRecord, WriteOutcome } from '../store/events.js';
import { serviceUnavailable } from '../errors.js';
import { createBatchCommit, isFailedWrite, type CommitRequestBatch, type CommitResult, type CommitSummary, type LoggedRange } from './commit.js';
import type { IntakeLog, LoggedRun } from './intake-log.js';
import { encodeLogRecord } from './log-line.js';
import { followInsights } from '../jobs/insight-rollups.js';

export interface WriterOptions {
  /** Most events in one transaction. */
  maxBatch: number;
  /** Extra wait before logging a turn's events, to gather more of them (0: none). */
  maxDelayMs: number;
  /**
   * How long a logged event may wait for others to fill its batch (0: none).
   * Its sender has its answer already; only API reads see it this much later.
   */
  commitDelayMs: number;
  /** Most events accepted and not yet in the database; past it senders get 503. */
  maxQueue: number;
}

export interface WriterHooks {
  onBatch?: (size: number, seconds: number) => void;
  /** Runs after each commit with what it did (metrics, cache invalidation). */
  onCommitted?: (summary: CommitSummary) => void;
  onError?: (error: unknown) => void;
}

export interface CommitAnswer {
  /** Each record's outcome, for batches of records; logged batches answer with the summary only. */
  results: CommitResult[] | null;
  summary: CommitSummary;
  seconds: number;
}

/** Where batches are committed: this thread (inline) or a writer thread (intake/worker-committer.ts). */
export interface BatchCommitter {
  /** `now` is the collector's clock, for the scores rescored after the commit. */
  commit(batch: CommitRequestBatch, now: number): Promise<CommitAnswer>;
  /** Rescores the scores decay has made stale, beside the commits; resolves with how many. */
  refreshScores(now: number): Promise<number>;
  /** Brings the insight rollups up to the page views stored (jobs/insight-rollups.ts); resolves with how many rows it read. */
  followInsights(): Promise<number>;
  close(): Promise<void>;
}

export function createInlineCommitter(db: Db, onError: (error: unknown) => void): BatchCommitter {
  const writer = createBatchCommit(db, onError);
  return {
    async commit(batch, now) {
      const started = process.hrtime.bigint();
      const answer = writer.commitBatch(batch, now);
      return { ...answer, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    },
    refreshScores: (now) => writer.refreshStale(now),
    followInsights: () => followInsights(db),
    async close() {},
  };
}

/** Called once: with null and the outcome (null once logged, the write's outcome after a group commit), or with the error. */
export type WriteCallback = (error: unknown, outcome: WriteOutcome | null) => void;

/**
 * An event waiting for its append (with a log: only its log line, made at once,
 * so the event's objects die young instead of being copied by the scavenges that
 * run while up to a loop turn of beacons waits) or for its commit (without a log).
 */
interface Pending {
  line: string | null;
  record: EventRecord | null;
  done: WriteCallback;
}

/** Events logged together (one append), waiting for the database. */
interface QueuedRun extends LoggedRun {
  /** When they were logged (performance.now()), for the commit delay; 0 for a replay at start. */
  loggedAt: number;
}

const retryDelayMs = 1000;

/**
 * The write path behind the beacon handler, in two stages.
 *
 * 1. Accept: the events that arrived in one turn of the event loop are appended
 *    to the intake log in one write, and each sender is answered at once. That
 *    answer needs no SQLite commit, so a slow commit or a checkpoint never
 *    holds a beacon up. From then on the queue holds only where the events lie
 *    in the log, one entry per append: nothing per event lives on (the garbage
 *    collector would copy and promote it while it waits for its batch).
 * 2. Commit: one batch at a time, whole appends up to maxBatch events (one
 *    larger append alone) are written in one transaction by the committer; a
 *    failed batch is retried, because its senders were already told it is stored.
 *
 * Without a log (an in-memory database) the first stage is skipped and each
 * sender is answered after the commit instead: a group commit.
 */
export class BatchWriter {
  private arriving: Pending[] = [];
  /** Logged, not yet committed (with a log). */
  private runs: QueuedRun[] = [];
  private runEvents = 0;
  /** Waiting for their commit and their answer (without a log). */
  private waiting: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private committing: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private commitTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Set when a batch fails while closing: it stays in the log for the next start. */
  private gaveUp = false;

  constructor(
    private readonly committer: BatchCommitter,
    private readonly options: WriterOptions,
    private readonly hooks: WriterHooks = {},
    private readonly now: () => number = Date.now,
    private readonly log: IntakeLog | null = null,
  ) {}

  /** Events accepted and not yet in the database. */
  get depth(): number {
    return this.arriving.length + this.runEvents + this.waiting.length;
  }

  /**
   * Calls `done` once the event is durable: logged (with null, its outcome still
   * unknown) or, without a log, committed (with its outcome); or with a 503 when
   * the queue is full or the writer is closed. A callback, not a promise: this
   * runs for every beacon.
   */
  enqueue(record: EventRecord, done: WriteCallback): void {
    // Shedding load keeps memory bounded; the sender may retry after a second.
    if (this.closed) return done(serviceUnavailable('The collector is shutting down; retry shortly'), null);
    if (this.depth >= this.options.maxQueue) return done(serviceUnavailable('The collector is overloaded; retry shortly'), null);
    if (this.log) this.arriving.push({ line: encodeLogRecord(record), record: null, done });
    else this.arriving.push({ line: null, record, done });
    if (this.options.maxDelayMs === 0 || this.arriving.length >= this.options.maxBatch) this.acceptAfterIo();
    else this.timer ??= setTimeout(() => this.accept(), this.options.maxDelayMs);
  }

  /** Queues the events replayed from the log at start, ahead of any new one. */
  resume(runs: readonly LoggedRun[]): void {
    for (const run of runs) this.queueRun(run, 0);
    this.commitNext();
  }

  /** Resolves when everything accepted so far is in the database (or failed to get there). */
  async settled(): Promise<void> {
    while (this.depth > 0 || this.committing) {
      if (this.arriving.length > 0) this.accept();
      if (this.committing) await this.committing;
      else if (this.runEvents > 0 || this.waiting.length > 0) this.commitNext(true);
      else await new Promise((resolve) => setImmediate(resolve));
      if (this.retry) return;
    }
  }

  /**
   * setImmediate runs after the pending socket reads, so a busy server logs
   * large batches and an idle one answers at once.
   */
  private acceptAfterIo(): void {
    this.immediate ??= setImmediate(() => this.accept());
  }

  private accept(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.arriving.length === 0) return;
    const batch = this.arriving;
    this.arriving = [];
    if (!this.log) {
      for (const pending of batch) this.waiting.push(pending);
      this.commitNext();
      return;
    }
    const lines = new Array<string>(batch.length);
    for (let i = 0; i < batch.length; i++) lines[i] = batch[i]!.line!;
    let run: LoggedRun;
    try {
      run = this.log.append(lines);
    } catch (error) {
      // Nothing was acknowledged: the senders retry.
      this.hooks.onError?.(error);
      for (const pending of batch) this.answer(pending, serviceUnavailable('The event could not be stored; retry shortly'), null);
      return;
    }
    this.queueRun(run, performance.now());
    for (const pending of batch) this.answer(pending, null, null);
    this.commitNext();
  }

  /** Calls a sender back; one sender's throwing callback must not leave the others unanswered. */
  private answer(pending: Pending, error: unknown, outcome: WriteOutcome | null): void {
    try {
      pending.done(error, outcome);
    } catch (thrown) {
      this.hooks.onError?.(thrown);
    }
  }

  private queueRun(run: LoggedRun, loggedAt: number): void {
    this.runs.push({ path: run.path, start: run.start, end: run.end, firstSeq: run.firstSeq, count: run.count, loggedAt });
    this.runEvents += run.count;
  }

  /**
   * Commits the next batch, unless it is logged, not yet full, and its oldest
   * event can still wait: under load a fuller batch dirties far fewer pages per
   * event (a random visitor's rows and index entries share pages with others');
   * bench/collect.mjs measures the effect.
   */
  private commitNext(now = false): void {
    if (this.committing || this.retry) return;
    if (this.runs.length === 0) {
      if (this.waiting.length === 0) return;
      const batch = this.waiting.slice(0, this.options.maxBatch);
      this.committing = this.commitRecords(batch).finally(() => this.committed());
      return;
    }
    const oldest = this.runs[0]!;
    const wait = oldest.loggedAt === 0 || this.closed || now ? 0 : oldest.loggedAt + this.options.commitDelayMs - performance.now();
    if (this.runEvents < this.options.maxBatch && wait > 0) {
      this.commitTimer ??= setTimeout(() => {
        this.commitTimer = null;
        this.commitNext();
      }, Math.ceil(wait));
      return;
    }
    if (this.commitTimer) {
      clearTimeout(this.commitTimer);
      this.commitTimer = null;
    }
    let take = 1;
    let events = oldest.count;
    while (take < this.runs.length && events + this.runs[take]!.count <= this.options.maxBatch) events += this.runs[take++]!.count;
    this.committing = this.commitLogged(this.runs.slice(0, take), events).finally(() => this.committed());
  }

  private committed(): void {
    this.committing = null;
    if (!this.closed) this.commitNext();
  }

  private async commitLogged(runs: QueuedRun[], events: number): Promise<void> {
    let answer: CommitAnswer;
    try {
      answer = await this.committer.commit({ ranges: rangesOf(runs), records: null }, this.now());
    } catch (error) {
      this.hooks.onError?.(error);
      // Acknowledged events stay queued (and in the log) until the database takes them.
      if (this.closed) this.gaveUp = true;
      else
        this.retry = setTimeout(() => {
          this.retry = null;
          this.commitNext();
        }, retryDelayMs);
      return;
    }
    this.runs.splice(0, runs.length);
    this.runEvents -= events;
    const last = runs[runs.length - 1]!;
    try {
      this.log?.release(last.firstSeq + last.count - 1);
    } catch (error) {
      // A segment that could not be deleted costs only disk space: its events are in the database.
      this.hooks.onError?.(error);
    }
    this.hooks.onBatch?.(events, answer.seconds);
    this.afterCommit(answer.summary);
  }

  private async commitRecords(batch: Pending[]): Promise<void> {
    let answer: CommitAnswer;
    try {
      answer = await this.committer.commit({ ranges: null, records: batch.map((p) => p.record!) }, this.now());
    } catch (error) {
      this.hooks.onError?.(error);
      this.waiting.splice(0, batch.length);
      for (const pending of batch) this.answer(pending, serviceUnavailable('The event could not be stored; retry shortly'), null);
      return;
    }
    this.waiting.splice(0, batch.length);
    this.hooks.onBatch?.(batch.length, answer.seconds);
    answer.results?.forEach((result, i) => {
      const pending = batch[i]!;
      if (isFailedWrite(result)) this.answer(pending, serviceUnavailable('The event could not be stored; retry shortly'), null);
      else this.answer(pending, null, result);
    });
    this.afterCommit(answer.summary);
  }

  private afterCommit(summary: CommitSummary): void {
    try {
      this.hooks.onCommitted?.(summary);
    } catch (error) {
      this.hooks.onError?.(error);
    }
  }

  /**
   * Stops taking events and commits everything accepted, then closes the
   * committer. A batch the database refuses stays in the log for the next start.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.accept();
    if (this.commitTimer) {
      clearTimeout(this.commitTimer);
      this.commitTimer = null;
    }
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = null;
    }
    for (;;) {
      if (this.committing) await this.committing;
      else if ((this.runEvents === 0 && this.waiting.length === 0) || this.gaveUp) break;
      else this.commitNext();
    }
    await this.committer.close();
    this.uncommittedAtClose = this.log ? this.log.shutDown() : this.depth;
  }

  /** After close: acknowledged events left uncommitted (in the log, replayed at the next start). */
  uncommittedAtClose = 0;
}

/** Runs as byte ranges, back-to-back runs of one segment merged. */
function rangesOf(runs: readonly LoggedRun[]): LoggedRange[] {
  const ranges: LoggedRange[] = [];
  for (const run of runs) {
    const last = ranges[ranges.length - 1];
    if (last && last.path === run.path && last.end === run.start) last.end = run.end;
    else ranges.push({ path: run.path, start: run.start, end: run.end });
  }
  return ranges;
}
