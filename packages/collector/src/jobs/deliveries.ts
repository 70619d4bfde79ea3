import type { OutboxPayload } from '../alerts/outbox-payload.js';
import { afterFailure, disableReason } from '../alerts/retry-policy.js';
import type { Sender, SendResult } from '../alerts/sender.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { writeIfFree, type Db } from '../store/db.js';
import { listDueDeliveries, recordAttempt, type AttemptRecord, type DeliveryChannel, type DueDelivery } from '../store/deliveries.js';
import type { JobSpec } from './job.js';

/** While the writer thread holds the write lock, a result is recorded again this often, up to about 5 s. */
const BUSY_WAIT_MS = 20;
const BUSY_TRIES = 250;

export interface DeliveryJobDeps {
  db: Db;
  senders: Record<DeliveryChannel, Sender>;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** The backoff's jitter draw, in [0, 1). */
  random?: () => number;
  /** Attempts in flight per destination (an endpoint, a site's Slack or email) at most. */
  perDestination?: number;
  everyMs?: number;
}

export interface DeliveryJob {
  spec: JobSpec;
  /** Aborts the attempts in flight (they stay due, and are sent again after a restart) and waits for them. */
  stop(): Promise<void>;
}

/**
 * Sends what the outbox owes. Each run reads the due rows and starts their attempts
 * without waiting for them, so a slow receiver holds only its own destination's slots,
 * never the run. An attempt's result is recorded after the answer, in its own short
 * transaction: a crash between a receiver's 2xx and that commit sends it again
 * (at least once; webhook-id lets the receiver drop the repeat).
 */
export function deliveryJob(deps: DeliveryJobDeps): DeliveryJob {
  const perDestination = deps.perDestination ?? 4;
  const random = deps.random ?? Math.random;
  const inFlight = new Map<string, Promise<void>>();
  const busy = new Map<string, number>();
  const shutdown = new AbortController();

  function recordOf(row: DueDelivery, result: SendResult, now: number): AttemptRecord {
    if (result.ok) return { status: 'delivered' };
    const next = afterFailure({ failedAttempts: row.attempts + 1, retryFrom: row.retry_from, nowMs: now, random: random(), retryAfterMs: result.retryAfterMs });
    return next.status === 'failed'
      ? { status: 'failed', statusCode: result.statusCode, error: result.error }
      : { status: 'pending', nextAttemptAt: next.nextAttemptAt, statusCode: result.statusCode, error: result.error };
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
    const record = recordOf(row, result, now);
    const endpoint =
      row.endpoint_id === null
        ? undefined
        : { id: row.endpoint_id, disableReason: result.ok ? null : disableReason({ statusCode: result.statusCode, failingSince: row.failing_since ?? now, nowMs: now }) };
    const recorded = await recordWhenFree(() => recordAttempt(deps.db, { id: row.id, now, statusCode: result.statusCode, record, endpoint }));
    // Shut down while the lock was busy: as above, the row stays due.
    if (!recorded) return;
    deps.metrics.deliveries.inc({ channel: row.channel, outcome: record.status === 'pending' ? 'retry' : record.status });
    if (endpoint?.disableReason) deps.logger.warn({ endpoint: endpoint.id, reason: endpoint.disableReason }, 'webhook endpoint turned off');
  }

  /**
   * This runs on the thread that answers beacons: waiting out busy_timeout while the writer
   * thread commits a batch would stall every beacon behind it. The lock is tried, and tried
   * again shortly; after about 5 s of a busy lock the write waits for it like any other.
   */
  async function recordWhenFree(write: () => void): Promise<boolean> {
    for (let tries = 0; tries < BUSY_TRIES; tries++) {
      if (shutdown.signal.aborted || !deps.db.open) return false;
      if (writeIfFree(deps.db, write)) return true;
      await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
    }
    if (shutdown.signal.aborted || !deps.db.open) return false;
    deps.db.transaction(write)();
    return true;
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
      await Promise.all(inFlight.values());
    },
  };
}
