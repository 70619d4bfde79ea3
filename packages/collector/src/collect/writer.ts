import type { Db } from '../store/db.js';
import type { EventRecord, WriteOutcome } from '../store/events.js';
import { serviceUnavailable } from '../errors.js';
import { createBatchCommit, isFailedWrite, type CommitResult } from './commit.js';

export interface WriterOptions {
  maxBatch: number;
  maxDelayMs: number;
  maxQueue: number;
}

export interface WriterHooks {
  onBatch?: (size: number, seconds: number) => void;
  onQueueDepth?: (depth: number) => void;
  /** Runs after each commit with the records written and their outcomes (rescoring, cache invalidation). */
  onCommitted?: (records: readonly EventRecord[], outcomes: readonly WriteOutcome[]) => void;
  onError?: (error: unknown) => void;
}

/** Where batches are committed: this thread (inline) or a writer thread (collect/worker-committer.ts). */
export interface BatchCommitter {
  /** `now` is the collector's clock, for the scores rescored after the commit. */
  commit(records: EventRecord[], now: number): Promise<{ results: CommitResult[]; seconds: number }>;
  close(): Promise<void>;
}

export function createInlineCommitter(db: Db, onError: (error: unknown) => void): BatchCommitter {
  const commitBatch = createBatchCommit(db, onError);
  return {
    async commit(records, now) {
      const started = process.hrtime.bigint();
      const results = commitBatch(records, now);
      return { results, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    },
    async close() {},
  };
}

interface Pending {
  record: EventRecord;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: events queue in memory, each batch is committed in one
 * transaction, and only then is each of its senders answered. So a 2xx always
 * means "committed": a killed process loses only events nobody was told were
 * stored.
 */
export class BatchWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private inFlightEvents = 0;
  private closed = false;

  constructor(
    private readonly committer: BatchCommitter,
    private readonly options: WriterOptions,
    private readonly hooks: WriterHooks = {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Events accepted and not yet committed. */
  get depth(): number {
    return this.queue.length + this.inFlightEvents;
  }

  /** Resolves once the event is committed; rejects with a 503 when the queue is full or the writer is closed. */
  write(record: EventRecord): Promise<WriteOutcome> {
    // Shedding load keeps memory bounded; the sender may retry after a second.
    if (this.closed) return Promise.reject(serviceUnavailable('The collector is shutting down; retry shortly'));
    if (this.depth >= this.options.maxQueue) return Promise.reject(serviceUnavailable('The collector is overloaded; retry shortly'));
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.hooks.onQueueDepth?.(this.depth);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.queue.length >= this.options.maxBatch) this.flushAfterIo();
    else if (this.options.maxDelayMs === 0) this.flushAfterIo();
    else this.timer ??= setTimeout(() => this.startBatch(), this.options.maxDelayMs);
  }

  /**
   * With no delay configured, a batch is whatever arrived during this turn of
   * the event loop: setImmediate runs after the pending socket reads, so a busy
   * server commits large batches and an idle one answers at once.
   */
  private flushAfterIo(): void {
    this.immediate ??= setImmediate(() => this.startBatch());
  }

  private startBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    // Batches are committed in order by one committer; sending the next while
    // one commits lets this thread parse requests while the writer writes.
    this.inFlightEvents += batch.length;
    const done: Promise<void> = this.commit(batch).finally(() => {
      this.inFlightEvents -= batch.length;
      this.inFlight.delete(done);
      this.hooks.onQueueDepth?.(this.depth);
    });
    this.inFlight.add(done);
    if (this.queue.length > 0) this.flushAfterIo();
  }

  private async commit(batch: Pending[]): Promise<void> {
    const records = batch.map((p) => p.record);
    let answer: { results: CommitResult[]; seconds: number };
    try {
      answer = await this.committer.commit(records, this.now());
    } catch (error) {
      this.hooks.onError?.(error);
      for (const pending of batch) pending.reject(serviceUnavailable('The event could not be stored; retry shortly'));
      return;
    }
    this.hooks.onBatch?.(batch.length, answer.seconds);
    const outcomes: WriteOutcome[] = [];
    const written: EventRecord[] = [];
    answer.results.forEach((result, i) => {
      const pending = batch[i]!;
      if (isFailedWrite(result)) {
        pending.reject(serviceUnavailable('The event could not be stored; retry shortly'));
        return;
      }
      outcomes.push(result);
      written.push(pending.record);
      pending.resolve(result);
    });
    try {
      this.hooks.onCommitted?.(written, outcomes);
    } catch (error) {
      this.hooks.onError?.(error);
    }
  }

  /** Stops taking events, commits everything queued, then closes the committer. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0) this.startBatch();
    await Promise.all(this.inFlight);
    await this.committer.close();
  }
}
