import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { dropReasons } from './collect/drops.js';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Prometheus metrics, one registry per server so that tests can run several.
 *
 * What the beacon path counts on every event is kept as plain numbers that
 * prom-client reads when /metrics is scraped: a labelled inc() or set() hashes
 * its labels on every call, a measurable share of the thread that answers
 * beacons.
 */
export function createMetrics() {
  const registry = new Registry();
  const acceptedByEvent = new Map<string, number>();
  let accepted = 0;
  let bots = 0;
  const stepNames: string[] = [];
  const stepTotals: Float64Array[] = [];
  let queueDepthNow = () => 0;
  collectDefaultMetrics({ register: registry, prefix: 'clearview_' });
  const eventsAccepted = new Counter({
    name: 'clearview_events_accepted_total',
    help: 'Events stored and acknowledged, by event type',
    labelNames: ['event'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [event, n] of acceptedByEvent) this.inc({ event }, n);
    },
  });
  const eventsDropped = new Counter({
    name: 'clearview_events_dropped_total',
    help: 'Events dropped by the beacon path, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of dropReasons) eventsDropped.inc({ reason }, 0);
  const eventsRejected = new Counter({
    name: 'clearview_events_rejected_total',
    help: 'Beacons refused as malformed, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const botEvents = new Counter({
    name: 'clearview_bot_events_total',
    help: 'Events stored flagged as bots',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(bots);
    },
  });
  const batchSize = new Histogram({
    name: 'clearview_batch_size',
    help: 'Events per committed batch',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'clearview_commit_seconds',
    help: 'Time to write and commit one batch',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'clearview_job_runs_total',
    help: 'Background job runs, by job and outcome (ok, failed)',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: 'clearview_job_seconds',
    help: 'Duration of one background job run',
    labelNames: ['job'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'clearview_deliveries_total',
    help: 'Alert delivery attempts, by channel (webhook, slack, email) and outcome (delivered, retry, failed)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'clearview_queue_depth',
    help: 'Events waiting for the batch writer',
    registers: [registry],
    collect() {
      this.set(queueDepthNow());
    },
  });
  new Counter({
    name: 'clearview_collect_step_seconds_total',
    help: 'Time spent in each beacon-path step',
    labelNames: ['step'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (let i = 0; i < stepNames.length; i++)
        this.inc(
          { step: stepNames[i]! },
          stepTotals.reduce((sum, totals) => sum + totals[i]!, 0),
        );
    },
  });
  return {
    registry,
    eventsAccepted,
    eventsDropped,
    eventsRejected,
    botEvents,
    batchSize,
    commitSeconds,
    jobRuns,
    jobSeconds,
    deliveries,
    /** Events acknowledged since the start, of every type (the read pacing's beacon rate). */
    acceptedTotal: () => accepted,
    /** An event acknowledged: counted by type, and as a bot's when flagged. */
    countAccepted(event: string, isBot: boolean) {
      acceptedByEvent.set(event, (acceptedByEvent.get(event) ?? 0) + 1);
      accepted += 1;
      if (isBot) bots += 1;
    },
    /** Seconds per step, added by the pipeline at each step's index (every handler passes the same steps). */
    stepSeconds(names: readonly string[]): Float64Array {
      if (stepNames.length === 0) stepNames.push(...names);
      else if (names.join() !== stepNames.join()) throw new Error('Every beacon handler of a server runs the same steps');
      const totals = new Float64Array(names.length);
      stepTotals.push(totals);
      return totals;
    },
    watchQueueDepth(depth: () => number) {
      queueDepthNow = depth;
    },
  };
}
