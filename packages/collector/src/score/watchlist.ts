import type { ComponentResult, ScoringModel } from './types.js';

/**
 * Watch list: a flat bonus for companies a user chose to follow.
 * Why flat and modest: the user already knows these accounts matter; the bonus lifts them
 * above peers with similar activity, and recency still sinks a watched company that went quiet.
 */
export function watchlistPoints(watched: boolean, model: ScoringModel['watchlist']): ComponentResult {
  return { points: watched ? model.bonus : 0, max: model.bonus, facts: { watched } };
}
