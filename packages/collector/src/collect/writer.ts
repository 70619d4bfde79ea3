import type { Db } from '../store/db.js';
import { writeEvent, type EventRecord, type WriteOutcome } from '../store/events.js';
import { serviceUnavailable } from '../errors.js';

export interface WriterOptions {
  maxBatch: number;
  maxDelayMs: number;
  maxQueue: number;
}

export interface WriterHooks {
  onBatch?: (size: number, seconds: number) => void;
  onQueueDepth?: (depth: number) => void;
  /** Runs after each commit with the outcomes of the batch (rescoring, cache invalidation). */
  onCommitted?: (records: readonly EventRecord[], outcomes: readonly WriteOutcome[]) => void;
  onError?: (error: unknown) => void;
}

interface Pending {
  record: EventRecord;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: events wait in memory for at most maxDelayMs (or until
 * maxBatch are waiting), then one synchronous transaction writes them all, and
 * only then is each sender answered. So a 2xx always means "committed": a
 * killed process loses only events nobody was told were stored.
 */
export class BatchWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly options: WriterOptions,
    private readonly hooks: WriterHooks = {},
  ) {}

  get depth(): number {
    return this.queue.length;
  }

  /** Resolves once the event is committed; rejects with a 503 when the queue is full or the writer is closed. */
  write(record: EventRecord): Promise<WriteOutcome> {
    // Shedding load keeps memory bounded; the sender may retry after a second.
    if (this.closed) return Promise.reject(serviceUnavailable('The collector is shutting down; retry shortly'));
    if (this.queue.length >= this.options.maxQueue) return Promise.reject(serviceUnavailable('The collector is overloaded; retry shortly'));
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.hooks.onQueueDepth?.(this.queue.length);
      if (this.queue.length >= this.options.maxBatch) this.flushSoon(0);
      else if (this.options.maxDelayMs === 0) this.flushAfterIo();
      else this.flushSoon(this.options.maxDelayMs);
    });
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delayMs);
  }

  private immediate: NodeJS.Immediate | null = null;

  /**
   * With no delay configured, the batch is whatever arrived during this turn
   * of the event loop: setImmediate runs after the pending socket reads, so a
   * busy server commits large batches and an idle one answers at once.
   */
  private flushAfterIo(): void {
    if (this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.flush();
    });
  }

  /** Writes everything queued, one transaction per maxBatch events. */
  flush(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.hooks.onQueueDepth?.(this.queue.length);
      this.commit(batch);
    }
  }

  private commit(batch: Pending[]): void {
    const started = process.hrtime.bigint();
    let outcomes: WriteOutcome[];
    try {
      outcomes = this.db.transaction(() => batch.map((p) => writeEvent(this.db, p.record)))();
    } catch (error) {
      this.hooks.onError?.(error);
      // One poisoned event must not fail its neighbours: retry each on its own.
      if (batch.length > 1) {
        for (const pending of batch) this.commit([pending]);
        return;
      }
      batch[0]!.reject(serviceUnavailable('The event could not be stored; retry shortly'));
      return;
    }
    this.hooks.onBatch?.(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
    batch.forEach((pending, i) => pending.resolve(outcomes[i]!));
    try {
      this.hooks.onCommitted?.(
        batch.map((p) => p.record),
        outcomes,
      );
    } catch (error) {
      this.hooks.onError?.(error);
    }
  }

  /** Stops taking events and writes what is queued. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.flush();
  }
}
