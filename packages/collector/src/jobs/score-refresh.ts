import type { BatchCommitter } from '../intake/writer.js';
import type { JobSpec } from './job.js';

/**
 * Scores decay with time: every minute the companies whose rounded score is due
 * to change are refreshed. The writer does it between batches, on its own
 * connection: on the thread that answers requests it would hold them up and wait
 * for the write lock.
 */
export function scoreRefreshJob(committer: Pick<BatchCommitter, 'refreshScores'>, now: () => number): JobSpec {
  return { name: 'score_refresh', everyMs: 60_000, runAtStart: true, run: () => committer.refreshScores(now()) };
}
