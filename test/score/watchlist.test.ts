import { describe, expect, it } from 'vitest';
import { defaultScoringModel, scoreCompany } from '../../packages/collector/src/score/model.js';
import { watchlistPoints } from '../../packages/collector/src/score/watchlist.js';
import { facts, NOW } from './fixtures.js';

describe('watch list', () => {
  it('adds the 10-point bonus to a watched company', () => {
    expect(watchlistPoints(true, defaultScoringModel.watchlist)).toEqual({ points: 10, max: 10, facts: { watched: true } });
  });

  it('adds nothing to a company that is not watched', () => {
    expect(watchlistPoints(false, defaultScoringModel.watchlist)).toEqual({ points: 0, max: 10, facts: { watched: false } });
  });

  it('raises the total by the bonus for a company seen now', () => {
    const plain = scoreCompany(facts({ pageViews: 10 }), defaultScoringModel, NOW);
    const watched = scoreCompany(facts({ pageViews: 10, watched: true }), defaultScoringModel, NOW);
    expect(plain.total).toBe(7);
    expect(watched.total).toBe(17);
  });
});
