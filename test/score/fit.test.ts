import { describe, expect, it } from 'vitest';
import { compileIcp, fitOutcome, fitPoints } from '../../packages/collector/src/score/fit.js';
import { defaultScoringModel } from '../../packages/collector/src/score/model.js';
import { modelWithIcp } from './fixtures.js';

const withIcp = compileIcp(modelWithIcp.fit.icp);

describe('fit', () => {
  it('gives 0 of 0 when the site has no ideal-customer profile', () => {
    const result = fitPoints({ industry: 'Software', size: '51-200', country: 'DE' }, defaultScoringModel.fit, compileIcp(defaultScoringModel.fit.icp));
    expect(result.points).toBe(0);
    expect(result.max).toBe(0);
    expect(result.facts).toEqual({
      industry: { value: 'Software', outcome: 'not_configured', points: 0 },
      size: { value: '51-200', outcome: 'not_configured', points: 0 },
      country: { value: 'DE', outcome: 'not_configured', points: 0 },
    });
  });

  it('gives the full 25 to a company matching every dimension, ignoring case and spaces', () => {
    const result = fitPoints({ industry: ' software ', size: '51-200', country: 'de' }, modelWithIcp.fit, withIcp);
    expect(result.points).toBe(25);
    expect(result.max).toBe(25);
  });

  it('gives half the weight for an unknown value and nothing for a known mismatch', () => {
    const result = fitPoints({ industry: 'Fintech', size: null, country: 'US' }, modelWithIcp.fit, withIcp);
    expect(result.points).toBe(14);
    expect(result.facts).toEqual({
      industry: { value: 'Fintech', outcome: 'match', points: 10 },
      size: { value: null, outcome: 'unknown', points: 4 },
      country: { value: 'US', outcome: 'mismatch', points: 0 },
    });
  });

  it('counts only configured dimensions toward the maximum', () => {
    const fit = { ...modelWithIcp.fit, icp: { industries: [], sizes: ['51-200'], countries: [] } };
    const result = fitPoints({ industry: 'Retail', size: '51-200', country: 'US' }, fit, compileIcp(fit.icp));
    expect(result.points).toBe(8);
    expect(result.max).toBe(8);
  });

  it('follows a configured unknown credit', () => {
    const fit = { ...modelWithIcp.fit, unknownCredit: 0 };
    expect(fitPoints({ industry: null, size: '', country: null }, fit, withIcp).points).toBe(0);
  });

  it('names the outcome of each comparison', () => {
    expect(fitOutcome(new Set(), 'x')).toBe('not_configured');
    expect(fitOutcome(new Set(['x']), null)).toBe('unknown');
    expect(fitOutcome(new Set(['x']), '  ')).toBe('unknown');
    expect(fitOutcome(new Set(['x']), 'X')).toBe('match');
    expect(fitOutcome(new Set(['x']), 'y')).toBe('mismatch');
  });
});
