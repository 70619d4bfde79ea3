import { describe, expect, it } from 'vitest';
import { clampTotal, defaultScoringModel, modelLabel, scoreCompany, type CompanyFacts, type ScoringModel } from '../../packages/collector/src/score/model.js';
import { DAY_MS, facts, halfwayEngagement, modelWithIcp, NOW } from './fixtures.js';

/** Engagement 20, intent 20 (pricing + demo), fit 14 (industry match, size unknown, country mismatch), watch list 10: 64 before decay. */
const hotLead: CompanyFacts = facts({
  ...halfwayEngagement,
  pathViews: [
    { path: '/pricing', views: 3 },
    { path: '/demo', views: 1 },
    { path: '/blog/launch', views: 6 },
  ],
  industry: 'Software',
  size: null,
  country: 'US',
  watched: true,
});

function points(breakdown: ReturnType<typeof scoreCompany>) {
  return Object.fromEntries(breakdown.components.map((c) => [c.name, c.points]));
}

describe('scoreCompany', () => {
  it('adds the components of a company seen just now', () => {
    const breakdown = scoreCompany(hotLead, modelWithIcp, NOW);
    expect(breakdown.total).toBe(64);
    expect(breakdown.components.map((c) => [c.name, c.points, c.max])).toEqual([
      ['engagement', 20, 40],
      ['intent', 20, 25],
      ['fit', 14, 25],
      ['watchlist', 10, 10],
      ['recency', 0, 0],
    ]);
    expect(breakdown.components[1].facts).toEqual({
      matched: [
        { pattern: 'pricing', path: '/pricing', views: 3, weight: 10 },
        { pattern: 'demo', path: '/demo', views: 1, weight: 10 },
      ],
      uncappedPoints: 20,
    });
    expect(breakdown.reason).toBeUndefined();
  });

  it('halves the whole score at the half-life and quarters it at twice the half-life', () => {
    const halfway = scoreCompany({ ...hotLead, lastSeenMs: NOW - 14 * DAY_MS }, modelWithIcp, NOW);
    expect(halfway.total).toBe(32);
    expect(points(halfway).recency).toBe(-32);
    expect(halfway.components[4].facts).toEqual({ lastSeenMs: NOW - 14 * DAY_MS, daysSinceLastSeen: 14, halfLifeDays: 14, factor: 0.5 });
    expect(scoreCompany({ ...hotLead, lastSeenMs: NOW - 28 * DAY_MS }, modelWithIcp, NOW).total).toBe(16);
    // 64 * 2^-0.5 = 45.25
    expect(scoreCompany({ ...hotLead, lastSeenMs: NOW - 7 * DAY_MS }, modelWithIcp, NOW).total).toBe(45);
  });

  it('ranks a heavy visitor from three months ago below a light visitor from this week', () => {
    const heavyOld = facts({
      pageViews: 400,
      engagedSeconds: 20_000,
      visitors: 12,
      sessions: 30,
      pathViews: [
        { path: '/pricing', views: 40 },
        { path: '/demo', views: 10 },
        { path: '/security', views: 8 },
      ],
      lastSeenMs: NOW - 90 * DAY_MS,
    });
    const lightRecent = facts({ pageViews: 3, visitors: 1, sessions: 1, engagedSeconds: 60, lastSeenMs: NOW - 3 * DAY_MS });
    const old = scoreCompany(heavyOld, defaultScoringModel, NOW);
    const recent = scoreCompany(lightRecent, defaultScoringModel, NOW);
    expect(old.total).toBe(1);
    expect(recent.total).toBe(7);
  });

  it('follows a site-specific half-life', () => {
    const model: ScoringModel = { ...modelWithIcp, recency: { halfLifeDays: 7 } };
    expect(scoreCompany({ ...hotLead, lastSeenMs: NOW - 7 * DAY_MS }, model, NOW).total).toBe(32);
  });

  it('scores 0 for a company with zero page views, whatever else it has', () => {
    const breakdown = scoreCompany({ ...hotLead, pageViews: 0 }, modelWithIcp, NOW);
    expect(breakdown.total).toBe(0);
    expect(breakdown.reason).toBe('no_page_views');
    expect(breakdown.components.map((c) => c.points)).toEqual([0, 0, 0, 0, 0]);
  });

  it('clamps the total to 100 when a site configures more than 100 points', () => {
    const generous: ScoringModel = { ...modelWithIcp, watchlist: { bonus: 100 } };
    expect(scoreCompany(hotLead, generous, NOW).total).toBe(100);
  });

  it('clamps the total to 0 when negative intent outweighs everything else', () => {
    const model: ScoringModel = {
      ...defaultScoringModel,
      intent: { cap: 50, patterns: [{ name: 'careers', paths: ['*/careers*'], weight: -50 }] },
    };
    const breakdown = scoreCompany(facts({ pageViews: 2, pathViews: [{ path: '/careers', views: 2 }] }), model, NOW);
    expect(points(breakdown).intent).toBe(-50);
    expect(breakdown.total).toBe(0);
  });

  it('rounds the total once at the end', () => {
    expect(clampTotal(49.5)).toBe(50);
    expect(clampTotal(49.49)).toBe(49);
    expect(clampTotal(-0.4)).toBe(0);
    expect(Object.is(clampTotal(-0.4), 0)).toBe(true);
    expect(clampTotal(100.4)).toBe(100);
    expect(clampTotal(Number.NaN)).toBe(0);
    // One page view just now: 14/11 + 0 + 0 + 0 = 1.27 -> 1
    expect(scoreCompany(facts(), defaultScoringModel, NOW).total).toBe(1);
  });

  it('gives the same breakdown for the same history and clock, in any path order', () => {
    const first = scoreCompany(hotLead, modelWithIcp, NOW - 3 * DAY_MS);
    const again = scoreCompany(hotLead, modelWithIcp, NOW - 3 * DAY_MS);
    const reordered = scoreCompany({ ...hotLead, pathViews: [...hotLead.pathViews].reverse() }, modelWithIcp, NOW - 3 * DAY_MS);
    expect(again).toEqual(first);
    expect(reordered).toEqual(first);
  });

  it('labels the breakdown with the formula version and a hash of the model', () => {
    expect(scoreCompany(hotLead, defaultScoringModel, NOW).model).toBe(modelLabel(defaultScoringModel));
    // Pinned on purpose: changing a default must change the label that stored scores carry.
    expect(modelLabel(defaultScoringModel)).toBe('v1-7868e062');
    expect(modelLabel(structuredClone(defaultScoringModel))).toBe(modelLabel(defaultScoringModel));
    expect(modelLabel(modelWithIcp)).not.toBe(modelLabel(defaultScoringModel));
  });

  it('keeps the default model frozen', () => {
    expect(Object.isFrozen(defaultScoringModel)).toBe(true);
    expect(Object.isFrozen(defaultScoringModel.intent.patterns[0].paths)).toBe(true);
  });
});
