import { SqliteError } from 'better-sqlite3';
import type { OutboxPayload } from '../alerts/outbox-payload.js';
import { afterFailure, disableReason } from '../alerts/retry-policy.js';
import type { Sender, SendResult } from '../alerts/sender.js';
import type { Db } from '../store/db.js';
import { listDueDeliveries, recordAttempts, type AttemptInput, type AttemptRecord, type DeliveryChannel, type DueDelivery } from '../store/deliveries.js';
import type { JobSpec } from './job.js';

/** After a busy write lock outlasted busy_timeout, the answers are recorded again this much later. */
const BUSY_RETRY_MS = 100;

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

export interface DeliveryJobDeps {
  db: Db;
  senders: Record<DeliveryChannel, Sender>;
  logger: { error(fields: Record<string, unknown>, message: string): void; warn(fields: Record<string, unknown>, message: string): void };
  /** Counts each recorded attempt (clearview_deliveries_total). */
  count: (channel: DeliveryChannel, outcome: DeliveryOutcome) => void;
  now: () => number;
  /** The backoff's jitter draw, in [0, 1). */
  random?: () => number;
  /** Attempts in flight per destination (an endpoint, a site's Slack or email) at most. */
  perDestination?: number;
  everyMs?: number;
}

export interface DeliveryJob {
  spec: JobSpec;
  /** Aborts the attempts in flight (they stay due, and are sent again after a restart), records the answers already in, and waits. */
  stop(): Promise<void>;
}

interface Answered {
  row: DueDelivery;
  input: AttemptInput;
}

/**
 * Sends what the outbox owes. Each run reads the due rows and starts their attempts
 * without waiting for them, so a slow receiver holds only its own destination's slots,
 * never the run. The answers that come in during one turn are recorded together, in one
 * short transaction: a crash between a receiver's 2xx and that commit sends it again
 * (at least once; webhook-id lets the receiver drop the repeat). It runs on the delivery
 * thread (jobs/delivery-worker.ts), whose connection may wait for the write lock.
 */
export function deliveryJob(deps: DeliveryJobDeps): DeliveryJob {
  const perDestination = deps.perDestination ?? 4;
  const random = deps.random ?? Math.random;
  const inFlight = new Map<string, Promise<void>>();
  const busy = new Map<string, number>();
  const shutdown = new AbortController();
  // Answered attempts not yet recorded; each keeps its slot (and its row out of the next run) until it is.
  let answered: Array<Answered & { done: () => void }> = [];
  let flushQueued = false;

  function recordOf(row: DueDelivery, result: SendResult, now: number): AttemptRecord {
    if (result.ok) return { status: 'delivered' };
    const next = afterFailure({ failedAttempts: row.attempts + 1, retryFrom: row.retry_from, nowMs: now, random: random(), retryAfterMs: result.retryAfterMs });
    return next.status === 'failed'
      ? { status: 'failed', statusCode: result.statusCode, error: result.error }
      : { status: 'pending', nextAttemptAt: next.nextAttemptAt, statusCode: result.statusCode, error: result.error };
  }

  /** Records every answer in so far in one transaction; a lock still busy after busy_timeout is tried again shortly. */
  function flush(): void {
    flushQueued = false;
    const taken = answered;
    answered = [];
    if (taken.length === 0) return;
    try {
      if (!deps.db.open) throw new Error('the database is closed');
      recordAttempts(
        deps.db,
        taken.map((a) => a.input),
      );
    } catch (error) {
      const lockBusy = error instanceof SqliteError && error.code === 'SQLITE_BUSY';
      if (lockBusy && !shutdown.signal.aborted) {
        answered = taken.concat(answered);
        flushQueued = true;
        setTimeout(flush, BUSY_RETRY_MS);
        return;
      }
      // Not recorded: the rows stay due and are sent again (at least once).
      if (!shutdown.signal.aborted) deps.logger.error({ err: error }, 'recording deliveries failed');
      for (const a of taken) a.done();
      return;
    }
    for (const { row, input, done } of taken) {
      deps.count(row.channel, input.record.status === 'pending' ? 'retry' : input.record.status);
      if (input.endpoint?.disableReason) deps.logger.warn({ endpoint: input.endpoint.id, reason: input.endpoint.disableReason }, 'webhook endpoint turned off');
      done();
    }
  }

  async function attempt(row: DueDelivery): Promise<void> {
    let result: SendResult;
    try {
      result = await deps.senders[row.channel].send(row, JSON.parse(row.payload) as OutboxPayload, { now: deps.now(), signal: shutdown.signal });
    } catch (error) {
      deps.logger.error({ err: error, delivery: row.id, channel: row.channel }, 'sending a delivery failed');
      result = { ok: false, statusCode: null, error: 'Unexpected error while sending', retryAfterMs: null };
    }
    // Shutting down: the attempt is not recorded, so the row stays due and goes out after the restart.
    if (shutdown.signal.aborted) return;
    const now = deps.now();
    const endpoint =
      row.endpoint_id === null
        ? undefined
        : { id: row.endpoint_id, disableReason: result.ok ? null : disableReason({ statusCode: result.statusCode, failingSince: row.failing_since ?? now, nowMs: now }) };
    const input: AttemptInput = { id: row.id, now, statusCode: result.statusCode, record: recordOf(row, result, now), endpoint };
    await new Promise<void>((done) => {
      answered.push({ row, input, done });
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(flush);
      }
    });
  }

  async function run(): Promise<void> {
    if (shutdown.signal.aborted) return;
    const due = listDueDeliveries(deps.db, deps.now(), perDestination, 500);
    for (const row of due) {
      if (inFlight.has(row.id)) continue;
      const key = `${row.site_id}:${row.destination}`;
      const taken = busy.get(key) ?? 0;
      if (taken >= perDestination) continue;
      busy.set(key, taken + 1);
      const done = attempt(row)
        .catch((error: unknown) => deps.logger.error({ err: error, delivery: row.id }, 'recording a delivery failed'))
        .finally(() => {
          inFlight.delete(row.id);
          const left = (busy.get(key) ?? 1) - 1;
          if (left === 0) busy.delete(key);
          else busy.set(key, left);
        });
      inFlight.set(row.id, done);
    }
  }

  return {
    spec: { name: 'deliveries', everyMs: deps.everyMs ?? 250, runAtStart: true, run },
    async stop() {
      shutdown.abort();
      // Answers already in are recorded now rather than sent again after the restart.
      flush();
      await Promise.all(inFlight.values());
    },
  };
}
