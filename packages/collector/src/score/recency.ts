import { round2 } from './engagement.js';
import type { ComponentResult, ScoringModel } from './types.js';

export const DAY_MS = 86_400_000;

/**
 * Exponential decay: `2 ^ (-daysSinceLastSeen / halfLifeDays)`, exactly 1/2 at the half-life
 * and 1/4 at twice it. Why exponential: interest fades smoothly and never drops off a cliff
 * on an arbitrary day, and equal waits always cost the same share of the score.
 */
export function recencyFactor(lastSeenMs: number, nowMs: number, halfLifeDays: number): number {
  // Without a valid last-seen time we cannot show the interest is current, so it counts as long gone.
  if (!Number.isFinite(lastSeenMs) || !Number.isFinite(nowMs)) return 0;
  // A page view stamped after "now" (clock skew between hosts) is as fresh as it gets, not fresher.
  const ageMs = Math.max(0, nowMs - lastSeenMs);
  return Math.pow(2, -ageMs / DAY_MS / halfLifeDays);
}

/**
 * Recency multiplies everything else, rather than adding its own points.
 * Why: as an additive bonus, a company that read every page three months ago would keep
 * its engagement and intent points and still outrank one that is evaluating this week.
 * Multiplied, the same history is worth half after one half-life, so the list is ordered
 * by how much each company matters now. Fit and the watch-list bonus decay too: a perfect
 * fit that stopped visiting is an account to prospect, not a warm lead.
 * The component reports what time took away, so its points are <= 0 (max 0) and all
 * components add up to the total before rounding.
 */
export function recencyPoints(lastSeenMs: number, nowMs: number, model: ScoringModel['recency'], undecayed: number): ComponentResult & { factor: number } {
  const factor = recencyFactor(lastSeenMs, nowMs, model.halfLifeDays);
  const known = Number.isFinite(lastSeenMs) && Number.isFinite(nowMs);
  const ageDays = known ? Math.max(0, nowMs - lastSeenMs) / DAY_MS : null;
  return {
    factor,
    points: undecayed * factor - undecayed,
    max: 0,
    facts: {
      lastSeenMs: Number.isFinite(lastSeenMs) ? lastSeenMs : null,
      daysSinceLastSeen: ageDays === null ? null : round2(ageDays),
      halfLifeDays: model.halfLifeDays,
      factor: Math.round(factor * 10_000) / 10_000,
    },
  };
}
