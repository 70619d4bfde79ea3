import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { dropReasons } from './collect/drops.js';

export type Metrics = ReturnType<typeof createMetrics>;

/** Prometheus metrics, one registry per server so that tests can run several. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clearview_' });
  const eventsAccepted = new Counter({
    name: 'clearview_events_accepted_total',
    help: 'Events stored and acknowledged, by event type',
    labelNames: ['event'] as const,
    registers: [registry],
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
  const botEvents = new Counter({ name: 'clearview_bot_events_total', help: 'Events stored flagged as bots', registers: [registry] });
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
  const queueDepth = new Gauge({ name: 'clearview_queue_depth', help: 'Events waiting for the batch writer', registers: [registry] });
  const stepSeconds = new Counter({
    name: 'clearview_collect_step_seconds_total',
    help: 'Time spent in each beacon-path step',
    labelNames: ['step'] as const,
    registers: [registry],
  });
  return { registry, eventsAccepted, eventsDropped, eventsRejected, botEvents, batchSize, commitSeconds, queueDepth, stepSeconds };
}
