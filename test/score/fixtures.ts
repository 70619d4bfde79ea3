import { defaultScoringModel, type CompanyFacts, type ScoringModel } from '../../packages/collector/src/score/model.js';

export const DAY_MS = 86_400_000;
/** A fixed clock: 2026-03-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 2, 1);

/** A company with one page view just now and nothing else known. */
export function facts(overrides: Partial<CompanyFacts> = {}): CompanyFacts {
  return {
    pageViews: 1,
    engagedSeconds: 0,
    visitors: 0,
    sessions: 0,
    lastSeenMs: NOW,
    pathViews: [],
    industry: null,
    size: null,
    country: null,
    watched: false,
    ...overrides,
  };
}

/**
 * Every engagement signal exactly at its default `halfAt`, so engagement is 7 + 6 + 4 + 3 = 20.
 */
export const halfwayEngagement = { pageViews: 10, engagedSeconds: 300, visitors: 3, sessions: 4 } as const;

/** The default model with an ICP: software companies of 51-200 people in Germany or Austria. */
export const modelWithIcp: ScoringModel = {
  ...defaultScoringModel,
  fit: {
    ...defaultScoringModel.fit,
    icp: { industries: ['Software', 'fintech'], sizes: ['51-200'], countries: ['DE', 'at'] },
  },
};
