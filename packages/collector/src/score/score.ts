import { compileModel } from './compile.js';
import { count, engagementPoints, round2 } from './engagement.js';
import { fitPoints } from './fit.js';
import { intentPoints } from './intent.js';
import { recencyFactor, recencyPoints } from './recency.js';
import type { CompanyFacts, ComponentName, ComponentResult, ScoreBreakdown, ScoreComponent, ScoringModel } from './types.js';
import { watchlistPoints } from './watchlist.js';

/**
 * The lead score of one company on one site, 0..100, with its breakdown.
 * total = clamp(round((engagement + intent + fit + watchlist) * recencyFactor), 0, 100).
 * Pure: the same facts, model and clock always give the same breakdown.
 */
export function scoreCompany(facts: CompanyFacts, model: ScoringModel, nowMs: number): ScoreBreakdown {
  return scoreCompanyWithBase(facts, model, nowMs).breakdown;
}

/**
 * scoreCompany, with the base the total decays from: the undecayed points, or 0 without a
 * page view. The clock enters only through the recency factor, so for the same facts and
 * model `decayedTotal(base, ...)` gives the total at any other time without scoring again.
 */
export function scoreCompanyWithBase(facts: CompanyFacts, model: ScoringModel, nowMs: number): { breakdown: ScoreBreakdown; base: number } {
  const compiled = compileModel(model);
  const engagement = engagementPoints(facts, model.engagement);
  const intent = intentPoints(facts.pathViews, model.intent, compiled.intent);
  const fit = fitPoints(facts, model.fit, compiled.icp);
  const watchlist = watchlistPoints(facts.watched, model.watchlist);
  const undecayed = engagement.points + intent.points + fit.points + watchlist.points;
  const recency = recencyPoints(facts.lastSeenMs, nowMs, model.recency, undecayed);

  const components = [
    component('engagement', engagement),
    component('intent', intent),
    component('fit', fit),
    component('watchlist', watchlist),
    component('recency', recency),
  ];

  // No page view, no lead: fit or a watch-list flag alone say nothing about interest,
  // and other counts without a view are inconsistent data, not evidence.
  if (count(facts.pageViews) === 0) {
    for (const part of components) part.points = 0;
    return { breakdown: { total: 0, components, model: compiled.label, reason: 'no_page_views' }, base: 0 };
  }

  return { breakdown: { total: clampTotal(undecayed * recency.factor), components, model: compiled.label }, base: undecayed };
}

/** The total of a company whose base is known, at any clock: what scoreCompany's total would be. */
export function decayedTotal(base: number, lastSeenMs: number, nowMs: number, recency: ScoringModel['recency']): number {
  return clampTotal(base * recencyFactor(lastSeenMs, nowMs, recency.halfLifeDays));
}

/** Rounded once, at the end, then clamped: component maxima may add up to more than 100. */
export function clampTotal(points: number): number {
  if (Number.isNaN(points)) return 0;
  return Math.min(100, Math.max(0, Math.round(points)));
}

function component(name: ComponentName, result: ComponentResult): ScoreComponent {
  return { name, points: round2(result.points), max: result.max, facts: result.facts };
}
