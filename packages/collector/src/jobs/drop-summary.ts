import { dropReasons, type DropReason } from '../collect/drops.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { JobSpec } from './job.js';

export type DropCounts = Partial<Record<DropReason, number>>;

/**
 * The drops between two readings of the counter, by reason, leaving out reasons with none.
 * A reason that went down (a counter reset) counts from zero rather than going negative.
 */
export function dropsSince(previous: DropCounts, current: DropCounts): DropCounts {
  const delta: DropCounts = {};
  for (const reason of dropReasons) {
    const now = current[reason] ?? 0;
    const before = previous[reason] ?? 0;
    const count = now >= before ? now - before : now;
    if (count > 0) delta[reason] = count;
  }
  return delta;
}

async function readDrops(metrics: Metrics): Promise<DropCounts> {
  const counts: DropCounts = {};
  for (const { labels, value } of (await metrics.eventsDropped.get()).values) counts[labels.reason as DropReason] = value;
  return counts;
}

/**
 * One log line a period with the beacons dropped in it, by reason (the clearview_events_dropped_total
 * counter's growth), and none when nothing was dropped. A flood of refused beacons is one line a
 * minute, never one a beacon, so a misconfigured site cannot drown the log.
 */
export function dropSummaryJob(metrics: Metrics, logger: Logger, everyMs = 60_000): JobSpec {
  let previous: DropCounts | null = null;
  return {
    name: 'drop-summary',
    everyMs,
    runAtStart: true,
    async run() {
      const current = await readDrops(metrics);
      if (previous !== null) {
        const dropped = dropsSince(previous, current);
        const total = Object.values(dropped).reduce((sum, n) => sum + n, 0);
        if (total > 0) logger.info({ dropped, total, seconds: everyMs / 1000 }, `${total} beacons dropped in the last ${everyMs / 1000} s`);
      }
      previous = current;
    },
  };
}
