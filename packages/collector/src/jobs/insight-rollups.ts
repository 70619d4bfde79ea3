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

/**
 * Page view ids a rebuild slice spans: each slice is one set-based transaction, short enough
 * not to hold a running collector's writer for long.
 */
export const rebuildSliceRows = 100_000;

/**
 * Rebuilds one site's rollups from its raw page views (clearview rollups rebuild): emptied,
 * then counted slice by slice up to the newest page view, set-based, then the follower is
 * brought up to date (other sites' page views it has not read yet). A running collector
 * keeps following meanwhile; its insights are partial until the rebuild ends. Resolves with
 * the site's page views counted.
 */
export async function rebuildInsights(db: Db, siteId: string, onSlice?: (counted: number) => void, sliceRows = rebuildSliceRows): Promise<number> {
  const site = siteNumber(db, siteId);
  if (site === null) return 0;
  startRebuild(db, site);
  let counted = 0;
  for (;;) {
    const read = rebuildSlice(db, site, sliceRows);
    if (read === null) break;
    counted += read;
    onSlice?.(counted);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await followInsights(db, followSliceRows);
  return counted;
}
