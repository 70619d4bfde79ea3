import { describe, expect, it } from 'vitest';
import { engagementPoints, saturate } from '../../packages/collector/src/score/engagement.js';
import { defaultScoringModel } from '../../packages/collector/src/score/model.js';
import { halfwayEngagement } from './fixtures.js';

const model = defaultScoringModel.engagement;

describe('engagement', () => {
  it('earns exactly half of each weight when every signal is at its halfAt', () => {
    const result = engagementPoints(halfwayEngagement, model);
    expect(result.points).toBe(20);
    expect(result.max).toBe(40);
    expect(result.facts).toEqual({
      pageViews: 10,
      engagedSeconds: 300,
      visitors: 3,
      sessions: 4,
      points: { pageViews: 7, engagedSeconds: 6, visitors: 4, sessions: 3 },
    });
  });

  it('scores the example from the issue at 28.17 of 40', () => {
    const result = engagementPoints({ pageViews: 42, engagedSeconds: 610, visitors: 5, sessions: 7 }, model);
    // 14*42/52 + 12*610/910 + 8*5/8 + 6*7/11
    expect(result.points).toBeCloseTo(28.16983016983017, 12);
    expect(result.facts.points).toEqual({ pageViews: 11.31, engagedSeconds: 8.04, visitors: 5, sessions: 3.82 });
  });

  it('gives each extra page view fewer points than the one before', () => {
    const curve = model.pageViews;
    expect(saturate(1, curve)).toBeCloseTo(14 / 11, 12);
    expect(saturate(2, curve)).toBeCloseTo(28 / 12, 12);
    expect(saturate(30, curve)).toBe(10.5);
    expect(saturate(90, curve)).toBeCloseTo(12.6, 12);
    const gains = [1, 2, 3, 10, 100].map((n) => saturate(n + 1, curve) - saturate(n, curve));
    for (let i = 1; i < gains.length; i++) expect(gains[i]).toBeLessThan(gains[i - 1]);
  });

  it('never reaches the weight, however large the signal', () => {
    expect(saturate(1e12, model.engagedSeconds)).toBeLessThan(12);
    expect(saturate(1e12, model.engagedSeconds)).toBeGreaterThan(11.99);
  });

  it('treats zero, negative and non-finite counts as zero', () => {
    expect(saturate(0, model.pageViews)).toBe(0);
    expect(saturate(-5, model.pageViews)).toBe(0);
    expect(saturate(Number.NaN, model.pageViews)).toBe(0);
    expect(saturate(Number.POSITIVE_INFINITY, model.pageViews)).toBe(0);
    const result = engagementPoints({ pageViews: -1, engagedSeconds: Number.NaN, visitors: 0, sessions: 0 }, model);
    expect(result.points).toBe(0);
    expect(result.facts).toMatchObject({ pageViews: 0, engagedSeconds: 0 });
  });

  it('earns nothing from a signal whose weight is zero', () => {
    expect(saturate(50, { weight: 0, halfAt: 10 })).toBe(0);
  });
});
