import { describe, expect, it } from 'vitest';
import { applyScoringPatch, defaultScoringModel, mergeScoringModel, scoringModelPatchSchema, scoringModelSchema } from '../../packages/collector/src/score/model.js';

function issuesOf(input: unknown) {
  const result = applyScoringPatch(defaultScoringModel, input);
  if (result.ok) throw new Error('expected the patch to be rejected');
  return result.issues;
}

describe('scoring settings', () => {
  it('accepts the default model as a complete model', () => {
    expect(scoringModelSchema.safeParse(defaultScoringModel).success).toBe(true);
  });

  it('merges a partial patch and leaves every other setting as it was', () => {
    const result = applyScoringPatch(defaultScoringModel, { recency: { halfLifeDays: 7 }, engagement: { visitors: { weight: 10 } } });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.model.recency).toEqual({ halfLifeDays: 7 });
    expect(result.model.engagement.visitors).toEqual({ weight: 10, halfAt: 3 });
    expect(result.model.engagement.pageViews).toEqual({ weight: 14, halfAt: 10 });
    expect(result.model.intent).toEqual(defaultScoringModel.intent);
    expect(result.model).not.toBe(defaultScoringModel);
    expect(defaultScoringModel.recency.halfLifeDays).toBe(14);
    expect(scoringModelSchema.safeParse(result.model).success).toBe(true);
  });

  it('replaces lists whole and merges the ICP one list at a time', () => {
    const result = applyScoringPatch(defaultScoringModel, {
      intent: { patterns: [{ name: 'pricing', paths: ['/pricing*'], weight: 12 }] },
      fit: { icp: { industries: ['Software'] } },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.model.intent).toEqual({ cap: 25, patterns: [{ name: 'pricing', paths: ['/pricing*'], weight: 12 }] });
    expect(result.model.fit.icp).toEqual({ industries: ['Software'], sizes: [], countries: [] });
  });

  it('accepts an empty patch as no change', () => {
    const result = applyScoringPatch(defaultScoringModel, {});
    expect(result).toEqual({ ok: true, model: defaultScoringModel });
  });

  it('merges a typed patch without touching the base', () => {
    const merged = mergeScoringModel(defaultScoringModel, { watchlist: { bonus: 0 }, fit: { unknownCredit: 0 } });
    expect(merged.watchlist.bonus).toBe(0);
    expect(merged.fit.unknownCredit).toBe(0);
    expect(merged.fit.weights).toEqual({ industry: 10, size: 8, country: 7 });
    expect(merged.fit.weights).not.toBe(defaultScoringModel.fit.weights);
  });

  it('rejects a half-life out of bounds with its path and range', () => {
    expect(issuesOf({ recency: { halfLifeDays: 0 } })).toEqual([{ path: 'recency.halfLifeDays', message: 'halfLifeDays must be between 1 and 365' }]);
  });

  it('rejects a weight given as text', () => {
    expect(issuesOf({ watchlist: { bonus: '10' } })).toEqual([{ path: 'watchlist.bonus', message: 'bonus must be a number' }]);
  });

  it('rejects an unknown key instead of ignoring it', () => {
    expect(issuesOf({ recency: { halfLife: 7 } })).toEqual([{ path: 'recency', message: 'unknown setting "halfLife" in recency' }]);
    expect(issuesOf({ bonus: 1 })).toEqual([{ path: '', message: 'unknown setting "bonus"' }]);
  });

  it('rejects a glob that is not a path', () => {
    expect(issuesOf({ intent: { patterns: [{ name: 'pricing', paths: ['pricing'], weight: 10 }] } })).toEqual([
      {
        path: 'intent.patterns.0.paths.0',
        message: 'path glob must start with "/" or "*", be at most 200 characters and contain no spaces, "?" or "#" (only "*" is special), e.g. "/pricing*" or "*demo*"',
      },
    ]);
  });

  it('rejects two patterns with the same name', () => {
    const pattern = { name: 'pricing', paths: ['/pricing*'], weight: 10 };
    expect(issuesOf({ intent: { patterns: [pattern, pattern] } })).toEqual([
      { path: 'intent.patterns.1.name', message: 'pattern name "pricing" is used twice; names must be unique' },
    ]);
  });

  it('rejects intent weights beyond plus or minus 100 and patterns without globs', () => {
    expect(issuesOf({ intent: { patterns: [{ name: 'x', paths: [], weight: -101 }] } })).toEqual([
      { path: 'intent.patterns.0.paths', message: 'paths must list at least one glob' },
      { path: 'intent.patterns.0.weight', message: 'weight must be between -100 and 100' },
    ]);
  });

  it('rejects a halfAt of zero and a country that is not a two-letter code', () => {
    expect(issuesOf({ engagement: { pageViews: { halfAt: 0 } }, fit: { icp: { countries: ['Germany'] } } })).toEqual([
      { path: 'engagement.pageViews.halfAt', message: 'halfAt must be greater than 0 (the amount that earns half the weight)' },
      { path: 'fit.icp.countries.0', message: 'country must be an ISO 3166-1 alpha-2 code such as "DE"' },
    ]);
  });

  it('rejects an unknown credit above 1', () => {
    expect(issuesOf({ fit: { unknownCredit: 1.5 } })).toEqual([{ path: 'fit.unknownCredit', message: 'unknownCredit must be between 0 and 1' }]);
  });

  it('rejects settings that are not an object', () => {
    expect(issuesOf('fast')).toEqual([{ path: '', message: 'scoring settings must be an object' }]);
    expect(issuesOf({ recency: 14 })).toEqual([{ path: 'recency', message: 'Invalid input: expected object, received number' }]);
  });

  it('exposes the patch schema for the settings handler', () => {
    expect(scoringModelPatchSchema.safeParse({ intent: { cap: 30 } }).success).toBe(true);
    expect(scoringModelPatchSchema.safeParse({ intent: { cap: 101 } }).success).toBe(false);
  });
});
