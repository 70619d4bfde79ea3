import type { ScoringModel } from './types.js';

/**
 * The model every site starts with. The component ceilings add up to 100
 * (engagement 40, intent 25, fit 25, watch list 10) so a site that changes
 * nothing gets scores that use the whole 0..100 range. MODEL.md explains each number.
 */
export const defaultScoringModel: ScoringModel = deepFreeze({
  engagement: {
    // Views are the most common signal: the largest weight, saturating slowly (10 views earn half).
    pageViews: { weight: 14, halfAt: 10 },
    // Five minutes of visible, engaged time earns half: reading beats bouncing between tabs.
    engagedSeconds: { weight: 12, halfAt: 300 },
    // Several people from one company is a buying committee; three of them earn half.
    visitors: { weight: 8, halfAt: 3 },
    // Coming back on separate occasions shows a need that persists; four visits earn half.
    sessions: { weight: 6, halfAt: 4 },
  },
  intent: {
    cap: 25,
    patterns: [
      // Job seekers are not buyers. Listed first with weight 0 so that careers paths such as
      // /careers/sales-demo-engineer are claimed here and never count as demo or pricing intent.
      { name: 'careers', paths: ['*/careers*', '*/jobs*'], weight: 0 },
      // Price is looked up when there is budget to spend.
      { name: 'pricing', paths: ['*/pricing*', '*/plans*'], weight: 10 },
      // Asking to see the product is the strongest pre-sales signal.
      { name: 'demo', paths: ['*demo*'], weight: 10 },
      // Trying it out is self-serve buying.
      {
        name: 'trial',
        paths: ['*/trial*', '*/free-trial*', '*/signup*', '*/sign-up*', '*/get-started*'],
        weight: 8,
      },
      // A visit to the contact page is often a step before writing to sales.
      { name: 'contact', paths: ['*/contact*', '*/talk-to-sales*'], weight: 6 },
      // Security and compliance pages are read during procurement.
      { name: 'security', paths: ['*/security*', '*/trust*', '*/compliance*', '*/gdpr*'], weight: 5 },
      // Checking that it fits their stack means they are evaluating.
      { name: 'integrations', paths: ['*/integrations*'], weight: 4 },
      // Reading about peers is research, weaker than pricing but a buying signal.
      {
        name: 'case-studies',
        paths: ['*/case-stud*', '*/customers*', '*/success-stories*'],
        weight: 4,
      },
    ],
  },
  recency: {
    // Two weeks: a B2B evaluation lasts weeks, but a lead untouched for a month is worth a quarter.
    halfLifeDays: 14,
  },
  fit: {
    // Empty by default: fit earns nothing until the site describes its ideal customer.
    icp: { industries: [], sizes: [], countries: [] },
    // Industry decides most whether the product is relevant; size shapes the deal; country, reach.
    weights: { industry: 10, size: 8, country: 7 },
    // Unknown is not a mismatch: resolution rarely knows the industry, so half the weight if we cannot tell.
    unknownCredit: 0.5,
  },
  watchlist: {
    // Enough to lift a watched company above peers with similar activity, not enough to rank an idle one high.
    bonus: 10,
  },
});

/** Frozen so no caller can mutate the shared default and poison the per-model caches. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
