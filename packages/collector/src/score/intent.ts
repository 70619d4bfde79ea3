import { count } from './engagement.js';
import type { IntentMatcher } from './patterns.js';
import type { CompanyFacts, ComponentResult, ScoringModel } from './types.js';

/** One matched topic as shown in the breakdown. */
export interface IntentMatch {
  pattern: string;
  /** The most viewed matching path (ties: the alphabetically first), normalized. */
  path: string;
  /** Views summed over every path that matched this pattern. */
  views: number;
  weight: number;
}

interface Tally {
  views: number;
  path: string;
  pathViews: number;
}

/**
 * Intent: which buying topics the company looked at.
 * - A topic earns its weight once, however often it was viewed: repetition is already
 *   rewarded by engagement, and counting it twice would let one reloaded page dominate.
 * - A path counts for the first pattern it matches only (the matcher decides).
 * - Negative weights are allowed for topics that signal the opposite of buying.
 * - The sum is clamped to [-cap, cap], so a site with many patterns cannot outweigh the other components.
 */
export function intentPoints(pathViews: CompanyFacts['pathViews'], model: ScoringModel['intent'], matcher: IntentMatcher): ComponentResult {
  // Indexed by pattern position; allocated on the first match (most companies match few topics).
  let tallies: Array<Tally | undefined> | null = null;
  for (const entry of pathViews) {
    const views = count(entry.views);
    // A path listed with no views is not evidence of interest.
    if (views === 0) continue;
    const { index, path } = matcher.lookup(entry.path);
    if (index < 0) continue;
    tallies ??= new Array<Tally | undefined>(model.patterns.length);
    const tally = tallies[index];
    if (tally === undefined) {
      tallies[index] = { views, path, pathViews: views };
      continue;
    }
    tally.views += views;
    // The representative path must not depend on the order the caller listed paths in.
    if (views > tally.pathViews || (views === tally.pathViews && path < tally.path)) {
      tally.path = path;
      tally.pathViews = views;
    }
  }

  const matched: IntentMatch[] = [];
  let uncapped = 0;
  if (tallies !== null) {
    // Model order, so the breakdown reads the same for the same history.
    for (let index = 0; index < tallies.length; index++) {
      const tally = tallies[index];
      if (tally === undefined) continue;
      const pattern = model.patterns[index];
      matched.push({ pattern: pattern.name, path: tally.path, views: tally.views, weight: pattern.weight });
      uncapped += pattern.weight;
    }
  }
  const points = Math.min(model.cap, Math.max(-model.cap, uncapped));
  return { points, max: model.cap, facts: { matched, uncappedPoints: uncapped } };
}
