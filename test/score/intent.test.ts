import { describe, expect, it } from 'vitest';
import { intentPoints } from '../../packages/collector/src/score/intent.js';
import { defaultScoringModel, type IntentPattern, type ScoringModel } from '../../packages/collector/src/score/model.js';
import { compileGlob, compileIntentPatterns, globMatches, normalizePath } from '../../packages/collector/src/score/patterns.js';

function intentOf(pathViews: Array<{ path: string; views: number }>, intent: ScoringModel['intent'] = defaultScoringModel.intent) {
  return intentPoints(pathViews, intent, compileIntentPatterns(intent.patterns));
}

function matches(glob: string, path: string): boolean {
  return globMatches(compileGlob(glob), normalizePath(path));
}

describe('path globs', () => {
  it('anchors a trailing-star glob at the start of the path', () => {
    expect(matches('/pricing*', '/pricing')).toBe(true);
    expect(matches('/pricing*', '/pricing/enterprise')).toBe(true);
    expect(matches('/pricing*', '/pricing-teams')).toBe(true);
    expect(matches('/pricing*', '/de/pricing')).toBe(false);
  });

  it('finds a two-sided star glob anywhere in the path', () => {
    expect(matches('*demo*', '/book-a-demo')).toBe(true);
    expect(matches('*demo*', '/en/demo/thanks')).toBe(true);
    expect(matches('*demo*', '/docs')).toBe(false);
  });

  it('matches a glob without a star only against the exact path', () => {
    expect(matches('/contact', '/contact')).toBe(true);
    expect(matches('/contact', '/contact/sales')).toBe(false);
  });

  it('places literals between stars left to right', () => {
    expect(matches('/a*b*c', '/a-b-c')).toBe(true);
    expect(matches('/a*b*c', '/abc')).toBe(true);
    expect(matches('/a*b*c', '/a-c-b')).toBe(false);
    expect(matches('*ab*ba', '/aba')).toBe(false);
    expect(matches('*ab*ba', '/ab-ba')).toBe(true);
  });

  it('treats regular-expression characters as literal text', () => {
    expect(matches('/c++*', '/c++/sdk')).toBe(true);
    expect(matches('/a.b', '/axb')).toBe(false);
  });

  it('normalizes case, query, fragment and trailing slashes before matching', () => {
    expect(normalizePath('/Pricing/?utm_source=x#plans')).toBe('/pricing');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('//')).toBe('/');
    expect(matches('/pricing', '/PRICING/')).toBe(true);
  });

  it('cuts very long paths to 512 characters before matching', () => {
    expect(normalizePath(`/${'a'.repeat(1000)}`)).toHaveLength(512);
    expect(matches('*pricing', `/${'a'.repeat(600)}/pricing`)).toBe(false);
  });

  it('gives the first matching pattern the path when several match', () => {
    const patterns: IntentPattern[] = [
      { name: 'careers', paths: ['*/careers*'], weight: 0 },
      { name: 'demo', paths: ['*demo*'], weight: 10 },
    ];
    const matcher = compileIntentPatterns(patterns);
    expect(matcher.match('/careers/demo-engineer')).toBe(0);
    expect(matcher.match('/demo')).toBe(1);
    expect(matcher.match('/blog')).toBe(-1);
    // Asked twice, answered from the cache, same answer.
    expect(matcher.match('/careers/demo-engineer')).toBe(0);
  });
});

describe('intent', () => {
  it('adds the weight of each matched topic once, however many views it had', () => {
    const result = intentOf([
      { path: '/pricing', views: 3 },
      { path: '/demo', views: 1 },
      { path: '/blog/hello', views: 9 },
    ]);
    expect(result.points).toBe(20);
    expect(result.max).toBe(25);
    expect(result.facts).toEqual({
      matched: [
        { pattern: 'pricing', path: '/pricing', views: 3, weight: 10 },
        { pattern: 'demo', path: '/demo', views: 1, weight: 10 },
      ],
      uncappedPoints: 20,
    });
  });

  it('sums views over the paths of one topic and shows the most viewed one', () => {
    const result = intentOf([
      { path: '/plans', views: 2 },
      { path: '/pricing/enterprise', views: 5 },
      { path: '/de/pricing', views: 5 },
    ]);
    expect(result.points).toBe(10);
    expect(result.facts.matched).toEqual([{ pattern: 'pricing', path: '/de/pricing', views: 12, weight: 10 }]);
  });

  it('uses each default weight: contact 6, trial 8, security 5, integrations 4, case studies 4', () => {
    expect(intentOf([{ path: '/contact', views: 1 }]).points).toBe(6);
    expect(intentOf([{ path: '/signup', views: 1 }]).points).toBe(8);
    expect(intentOf([{ path: '/free-trial', views: 1 }]).points).toBe(8);
    expect(intentOf([{ path: '/security', views: 1 }]).points).toBe(5);
    expect(intentOf([{ path: '/integrations/slack', views: 1 }]).points).toBe(4);
    expect(intentOf([{ path: '/customers/acme', views: 1 }]).points).toBe(4);
    expect(intentOf([{ path: '/case-studies', views: 1 }]).points).toBe(4);
  });

  it('gives careers pages zero points and keeps job ads out of other topics', () => {
    const result = intentOf([
      { path: '/careers/sales-demo-engineer', views: 4 },
      { path: '/jobs', views: 1 },
    ]);
    expect(result.points).toBe(0);
    expect(result.facts.matched).toEqual([{ pattern: 'careers', path: '/careers/sales-demo-engineer', views: 5, weight: 0 }]);
  });

  it('caps the sum of weights at 25', () => {
    const result = intentOf([
      { path: '/pricing', views: 1 },
      { path: '/demo', views: 1 },
      { path: '/trial', views: 1 },
    ]);
    expect(result.points).toBe(25);
    expect(result.facts.uncappedPoints).toBe(28);
  });

  it('subtracts negative weights, down to minus the cap', () => {
    const intent: ScoringModel['intent'] = {
      cap: 12,
      patterns: [
        { name: 'careers', paths: ['*/careers*'], weight: -8 },
        { name: 'press', paths: ['/press*'], weight: -9 },
        { name: 'pricing', paths: ['/pricing*'], weight: 10 },
      ],
    };
    expect(
      intentOf(
        [
          { path: '/careers', views: 1 },
          { path: '/pricing', views: 1 },
        ],
        intent,
      ).points,
    ).toBe(2);
    expect(
      intentOf(
        [
          { path: '/careers', views: 1 },
          { path: '/press', views: 1 },
        ],
        intent,
      ).points,
    ).toBe(-12);
  });

  it('ignores paths listed with zero or negative views', () => {
    expect(
      intentOf([
        { path: '/pricing', views: 0 },
        { path: '/demo', views: -1 },
      ]).points,
    ).toBe(0);
  });

  it('scores nothing with no patterns', () => {
    expect(intentOf([{ path: '/pricing', views: 1 }], { cap: 25, patterns: [] })).toEqual({
      points: 0,
      max: 25,
      facts: { matched: [], uncappedPoints: 0 },
    });
  });
});

describe('intent path cache', () => {
  it('still answers correctly after a flood of one-off paths', () => {
    const matcher = compileIntentPatterns(defaultScoringModel.intent.patterns);
    expect(matcher.match('/pricing')).toBe(1);
    for (let i = 0; i < 50_000; i++) matcher.match(`/blog/post-${i}`);
    expect(matcher.match('/pricing')).toBe(1);
    expect(matcher.match('/blog/post-7')).toBe(-1);
    expect(matcher.match('/careers/demo-engineer')).toBe(0);
  });
});
