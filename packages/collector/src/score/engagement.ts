import type { ComponentResult, EngagementSignal, SaturatingWeight, ScoringModel } from './types.js';

const SIGNALS: readonly EngagementSignal[] = ['pageViews', 'engagedSeconds', 'visitors', 'sessions'];

/**
 * Diminishing returns: `weight * x / (x + halfAt)`.
 * Why this curve: it is monotone (more activity never lowers a score), it earns exactly
 * half the weight at `halfAt` (easy to explain and to tune), and no single noisy signal,
 * such as a tab left open or a crawler-like burst of views, can exceed its weight.
 */
export function saturate(x: number, curve: SaturatingWeight): number {
  const value = count(x);
  if (value === 0 || curve.weight === 0) return 0;
  return (curve.weight * value) / (value + curve.halfAt);
}

/**
 * Engagement: how much the company has interacted with the site.
 * The maximum is the sum of the signal weights (approached, never reached).
 */
export function engagementPoints(facts: Record<EngagementSignal, number>, model: ScoringModel['engagement']): ComponentResult {
  let points = 0;
  let max = 0;
  const bySignal: Partial<Record<EngagementSignal, number>> = {};
  for (const signal of SIGNALS) {
    const earned = saturate(facts[signal], model[signal]);
    bySignal[signal] = round2(earned);
    points += earned;
    max += model[signal].weight;
  }
  return {
    points,
    max,
    facts: {
      pageViews: count(facts.pageViews),
      engagedSeconds: count(facts.engagedSeconds),
      visitors: count(facts.visitors),
      sessions: count(facts.sessions),
      points: bySignal,
    },
  };
}

/** Counts from the database are trusted but not blindly: negative or non-finite becomes 0. */
export function count(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

/** Display rounding for component points and facts; `+ 0` turns -0 into 0. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100 + 0;
}
