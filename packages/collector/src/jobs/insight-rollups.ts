import type { BatchCommitter } from '../intake/writer.js';
import type { Db } from '../store/db.js';
import { finishRebuildSlice, followPageViews, rebuildSlice, startRebuild } from '../store/insight-rollups.js';
import { siteNumber } from '../store/keys.js';
import type { JobSpec } from './job.js';
import { SliceSizer, type SliceLimits } from './slice-sizer.js';

/**
 * Keeps the insight rollups (migration 011) a few seconds behind the page views: every
 * `everyMs` the writer thread reads what was stored since, between batches. Insights may
 * lag the beacon path by 10 s at most, so the period stays well under that.
 */
export function insightRollupsJob(committer: Pick<BatchCommitter, 'followInsights'>, everyMs: number): JobSpec {
  return { name: 'insight_rollups', everyMs, runAtStart: true, run: () => committer.followInsights() };
}

/**
 * The follower's slices: each is one transaction on the writer thread, so a batch waits for
 * at most one. Sized by time, since a page view's cost grows with the rollups' size and with
 * what the page cache holds.
 */
export const followSlices = { targetMs: 20, min: 25, max: 2_000, start: 250 } as const;

// Per connection: each run of the follower starts at the size the last one found.
const followSizers = new WeakMap<Db, SliceSizer>();

/** What a caller may pass to watch or size a job's slices. */
export interface SliceOptions {
  /** Called after each slice with the rows it read and its time in ms (a rebuild awaits it; 'finish': its last steps, by company). */
  onSlice?: (rows: number, ms: number, step: 'count' | 'finish') => void | Promise<void>;
  sizer?: SliceSizer;
  /** A rebuild's last steps, in companies a slice. */
  finishSizer?: SliceSizer;
}

/**
 * Follows until caught up, one slice per turn of the event loop, so batches that arrive
 * meanwhile are committed between slices. Resolves with the rows read.
 */
export async function followInsights(db: Db, options: SliceOptions = {}): Promise<number> {
  let sizer = options.sizer ?? followSizers.get(db);
  if (!sizer) followSizers.set(db, (sizer = new SliceSizer(followSlices)));
  let total = 0;
  for (;;) {
    const rows = sizer.rows;
    const started = performance.now();
    const read = followPageViews(db, rows);
    const ms = performance.now() - started;
    sizer.took(read, ms);
    void options.onSlice?.(read, ms, 'count');
    total += read;
    if (read < rows) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Slices of `rows` whatever they take. */
const fixedSlices = (rows: number): SliceLimits => ({ targetMs: Infinity, min: rows, max: rows, start: rows });

/**
 * With the collector stopped, nothing waits for a rebuild's slices: the fewer, the sooner it
 * ends. Page view ids a counting slice spans, companies a finishing one takes, and the
 * follower's catch-up after them.
 */
const alone = { count: fixedSlices(100_000), finish: fixedSlices(100_000), follow: fixedSlices(2_000) };

/** Beside a running collector, whose batches wait for each slice: short ones, by time. */
const beside = {
  count: { targetMs: 20, min: 200, max: 100_000, start: 2_000 },
  finish: { targetMs: 20, min: 10, max: 100_000, start: 200 },
};

/**
 * Rebuilds one site's rollups from its raw page views (clearview rollups rebuild): emptied,
 * then counted slice by slice up to the newest page view, set-based, then the follower is
 * brought up to date (other sites' page views it has not read yet). A running collector
 * keeps following meanwhile; its insights are partial until the rebuild ends. `besideCollector`:
 * short slices, and a pause as long as each slice between them, in which the collector's
 * writer (retrying for the lock) gets its turn. Resolves with the site's page views counted.
 */
export async function rebuildInsights(db: Db, siteId: string, options: SliceOptions & { besideCollector?: boolean } = {}): Promise<number> {
  const site = siteNumber(db, siteId);
  if (site === null) return 0;
  // Beside a collector, a pause as long as the slice: its writer, retrying for the lock, gets in.
  const pause = (ms: number) => new Promise((resolve) => (options.besideCollector ? setTimeout(resolve, Math.max(10, ms)) : setImmediate(resolve)));
  /** Runs `step` slice after slice until it answers null; resolves with the sum of its answers. */
  const slices = async (kind: 'count' | 'finish', sizer: SliceSizer, step: (rows: number) => number | null): Promise<number> => {
    let total = 0;
    for (;;) {
      const rows = sizer.rows;
      const started = performance.now();
      const done = step(rows);
      if (done === null) return total;
      const ms = performance.now() - started;
      // A count slice costs the ids it spans (it scans them), whichever site they belong to; a finishing one, its companies.
      sizer.took(kind === 'count' ? rows : done, ms);
      total += done;
      await options.onSlice?.(done, ms, kind);
      await pause(ms);
    }
  };
  startRebuild(db, site);
  const limits = options.besideCollector ? beside : alone;
  const counted = await slices('count', options.sizer ?? new SliceSizer(limits.count), (rows) => rebuildSlice(db, site, rows));
  // Then the sightings and marks, a slice of companies at a time.
  await slices('finish', options.finishSizer ?? new SliceSizer(limits.finish), (rows) => finishRebuildSlice(db, site, rows));
  await followInsights(db, options.besideCollector ? {} : { sizer: new SliceSizer(alone.follow) });
  return counted;
}
