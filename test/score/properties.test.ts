import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decayedTotal, defaultScoringModel, scoreCompany, scoreCompanyWithBase, type CompanyFacts, type ScoringModel } from '../../packages/collector/src/score/model.js';
import { scoreDueAt } from '../../packages/collector/src/score/rescore.js';
import { DAY_MS, NOW } from './fixtures.js';

const PATHS = [
  '/',
  '/pricing',
  '/plans/team',
  '/demo',
  '/book-a-demo',
  '/contact',
  '/signup',
  '/security',
  '/integrations/slack',
  '/customers/acme',
  '/careers',
  '/careers/demo-engineer',
  '/blog/a',
  '/docs/api',
];

const factsArb: fc.Arbitrary<CompanyFacts> = fc.record({
  pageViews: fc.nat({ max: 5_000 }),
  engagedSeconds: fc.nat({ max: 200_000 }),
  visitors: fc.nat({ max: 200 }),
  sessions: fc.nat({ max: 500 }),
  lastSeenMs: fc.integer({ min: NOW - 400 * DAY_MS, max: NOW + DAY_MS }),
  pathViews: fc.array(fc.record({ path: fc.oneof(fc.constantFrom(...PATHS), fc.string({ maxLength: 30 })), views: fc.nat({ max: 300 }) }), { maxLength: 12 }),
  industry: fc.option(fc.constantFrom('Software', 'Retail', 'fintech', '')),
  size: fc.option(fc.constantFrom('1-10', '51-200', '5001+')),
  country: fc.option(fc.constantFrom('DE', 'US', 'at')),
  watched: fc.boolean(),
});

/** Any valid model; `minWeight` 0 keeps every weight non-negative. */
function modelArb(minWeight: number): fc.Arbitrary<ScoringModel> {
  const weight = fc.double({ min: minWeight, max: 100, noNaN: true });
  const curve = fc.record({ weight: fc.double({ min: 0, max: 100, noNaN: true }), halfAt: fc.double({ min: 0.001, max: 10_000, noNaN: true }) });
  return fc.record({
    engagement: fc.record({ pageViews: curve, engagedSeconds: curve, visitors: curve, sessions: curve }),
    intent: fc.record({
      cap: fc.double({ min: 0, max: 100, noNaN: true }),
      patterns: fc
        .array(fc.record({ paths: fc.array(fc.constantFrom('/pricing*', '*demo*', '*/careers*', '/contact', '*a*b*', '/'), { minLength: 1, maxLength: 3 }), weight }), {
          maxLength: 8,
        })
        .map((patterns) => patterns.map((pattern, index) => ({ name: `p${index}`, ...pattern }))),
    }),
    recency: fc.record({ halfLifeDays: fc.double({ min: 1, max: 365, noNaN: true }) }),
    fit: fc.record({
      icp: fc.record({
        industries: fc.subarray(['software', 'retail']),
        sizes: fc.subarray(['51-200', '5001+']),
        countries: fc.subarray(['DE', 'US']),
      }),
      weights: fc.record({
        industry: fc.double({ min: 0, max: 100, noNaN: true }),
        size: fc.double({ min: 0, max: 100, noNaN: true }),
        country: fc.double({ min: 0, max: 100, noNaN: true }),
      }),
      unknownCredit: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    watchlist: fc.record({ bonus: fc.double({ min: 0, max: 100, noNaN: true }) }),
  });
}

interface OneMoreView {
  path: string;
  ageMs: number;
  newVisitor: boolean;
  newSession: boolean;
  engagedSeconds: number;
}

/** One more page view `ageMs` before the clock, possibly on a new path, by a new visitor, in a new session. */
const oneMoreViewArb: fc.Arbitrary<OneMoreView> = fc.record({
  path: fc.constantFrom(...PATHS),
  ageMs: fc.integer({ min: 0, max: 400 * DAY_MS }),
  newVisitor: fc.boolean(),
  newSession: fc.boolean(),
  engagedSeconds: fc.nat({ max: 600 }),
});

function withOneMoreView(facts: CompanyFacts, view: OneMoreView): CompanyFacts {
  const existing = facts.pathViews.findIndex((entry) => entry.path === view.path);
  const pathViews =
    existing >= 0
      ? facts.pathViews.map((entry, index) => (index === existing ? { ...entry, views: entry.views + 1 } : entry))
      : [...facts.pathViews, { path: view.path, views: 1 }];
  return {
    ...facts,
    pageViews: facts.pageViews + 1,
    engagedSeconds: facts.engagedSeconds + view.engagedSeconds,
    visitors: facts.visitors + (view.newVisitor ? 1 : 0),
    sessions: facts.sessions + (view.newSession ? 1 : 0),
    lastSeenMs: Math.max(facts.lastSeenMs, NOW - view.ageMs),
    pathViews,
  };
}

describe('score properties', () => {
  it('always gives an integer total between 0 and 100, for any valid model including negative weights', () => {
    fc.assert(
      fc.property(factsArb, fc.oneof(fc.constant(defaultScoringModel), modelArb(-100)), (facts, model) => {
        const { total } = scoreCompany(facts, model, NOW);
        expect(Number.isInteger(total)).toBe(true);
        expect(total).toBeGreaterThanOrEqual(0);
        expect(total).toBeLessThanOrEqual(100);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never lowers the score when a page view is added at a fixed clock, for models without negative weights', () => {
    fc.assert(
      fc.property(factsArb, oneMoreViewArb, fc.oneof(fc.constant(defaultScoringModel), modelArb(0)), (facts, view, model) => {
        const before = scoreCompany(facts, model, NOW).total;
        const after = scoreCompany(withOneMoreView(facts, view), model, NOW).total;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives, from the base scored at one clock, exactly the total scored at any other', () => {
    fc.assert(
      fc.property(factsArb, fc.oneof(fc.constant(defaultScoringModel), modelArb(-100)), fc.integer({ min: -DAY_MS, max: 400 * DAY_MS }), (facts, model, later) => {
        const { breakdown, base } = scoreCompanyWithBase(facts, model, NOW);
        expect(breakdown).toEqual(scoreCompany(facts, model, NOW));
        expect(decayedTotal(base, facts.lastSeenMs, NOW, model.recency)).toBe(breakdown.total);
        expect(decayedTotal(base, facts.lastSeenMs, NOW + later, model.recency)).toBe(scoreCompany(facts, model, NOW + later).total);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps the total until the due time the rescorer stores, and changes it within two seconds after', () => {
    fc.assert(
      fc.property(
        factsArb,
        fc.oneof(fc.constant(defaultScoringModel), modelArb(-100)),
        fc.integer({ min: -DAY_MS, max: 400 * DAY_MS }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (facts, model, later, between) => {
          const at = NOW + later;
          const { breakdown, base } = scoreCompanyWithBase(facts, model, at);
          const due = scoreDueAt(base, facts.lastSeenMs, breakdown.total, model.recency);
          if (due === null) {
            expect(scoreCompany(facts, model, at + 100 * 365 * DAY_MS).total).toBe(breakdown.total);
            return;
          }
          const until = Math.max(at, due);
          expect(scoreCompany(facts, model, until).total).toBe(breakdown.total);
          expect(scoreCompany(facts, model, at + Math.floor((until - at) * between)).total).toBe(breakdown.total);
          expect(scoreCompany(facts, model, due + 2_000).total).toBeLessThan(breakdown.total);
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
