import type { BatchCommitter } from '../intake/writer.js';
import type { Db } from '../store/db.js';
import { followPageViews, rebuildSlice, startRebuild } from '../store/insight-rollups.js';
import { siteNumber } from '../store/keys.js';
import type { JobSpec } from './job.js';

/**
 * Keeps the insight rollups (migration 011) a few seconds behind the page views: every
 * `everyMs` the writer thread reads what was stored since, between batches. Insights may
 * lag the beacon path by 10 s at most, so the period stays well under that.
 */
export function insightRollupsJob(committer: Pick<BatchCommitter, 'followInsights'>, everyMs: number): JobSpec {
  return { name: 'insight_rollups', everyMs, runAtStart: true, run: () => committer.followInsights() };
}

/** Page views a slice reads: one short transaction, so a batch waiting behind it waits little. */
export const followSliceRows = 2_000;

/**
 * Follows until caught up, one slice per turn of the event loop, so batches that arrive
 * meanwhile are committed between slices. Resolves with the rows read.
 */
export async function followInsights(db: Db, sliceRows = followSliceRows): Promise<number> {
  let total = 0;
  for (;;) {
    const read = followPageViews(db, sliceRows);
    total += read;
    if (read < sliceRows) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Page views a rebuild slice reads: larger than the follower's (an operator waits for it), short enough not to hold a running collector's writer for long. */
export const rebuildSliceRows = 20_000;

/**
 * Rebuilds one site's rollups from its raw page views (clearview rollups rebuild): emptied,
 * then counted slice by slice, then the follower is brought up to the newest page view (on
 * a database the follower has not read yet, that is most of the work). A running collector
 * keeps following meanwhile; its insights are partial until the rebuild ends. Resolves with
 * the page views read.
 */
export async function rebuildInsights(db: Db, siteId: string, onSlice?: (counted: number) => void): Promise<number> {
  const site = siteNumber(db, siteId);
  if (site === null) return 0;
  startRebuild(db, site);
  let counted = 0;
  for (;;) {
    const read = rebuildSlice(db, site, rebuildSliceRows);
    if (read === 0) break;
    counted += read;
    onSlice?.(counted);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return counted + (await followInsights(db, rebuildSliceRows));
}
