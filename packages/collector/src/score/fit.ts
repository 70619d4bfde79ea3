import type { CompanyFacts, ComponentResult, FitDimension, IcpProfile, ScoringModel } from './types.js';

/** How a company's value compares with the ideal-customer profile on one dimension. */
export type FitOutcome = 'match' | 'mismatch' | 'unknown' | 'not_configured';

const DIMENSIONS: readonly FitDimension[] = ['industry', 'size', 'country'];

/** The ICP as lookup sets, built once per model. */
export type CompiledIcp = Record<FitDimension, ReadonlySet<string>>;

/** Labels compare trimmed and case-insensitive: "Software " and "software" are one industry. */
export function normalizeLabel(value: string): string {
  return value.trim().toLowerCase();
}

export function compileIcp(icp: IcpProfile): CompiledIcp {
  return {
    industry: new Set(icp.industries.map(normalizeLabel)),
    size: new Set(icp.sizes.map(normalizeLabel)),
    country: new Set(icp.countries.map(normalizeLabel)),
  };
}

function factFor(facts: Pick<CompanyFacts, FitDimension>, dimension: FitDimension): string | null {
  switch (dimension) {
    case 'industry':
      return facts.industry;
    case 'size':
      return facts.size;
    case 'country':
      return facts.country;
    default:
      return dimension satisfies never;
  }
}

/** The outcome on one dimension, a named reason rather than a bare number. */
export function fitOutcome(wanted: ReadonlySet<string>, value: string | null): FitOutcome {
  // An empty list is "no preference": the dimension is left out, not counted as a match for everyone.
  if (wanted.size === 0) return 'not_configured';
  const label = value === null ? '' : normalizeLabel(value);
  // Unknown is kept apart from mismatch: resolution often cannot tell an industry or size.
  if (label === '') return 'unknown';
  return wanted.has(label) ? 'match' : 'mismatch';
}

function outcomePoints(outcome: FitOutcome, weight: number, unknownCredit: number): number {
  switch (outcome) {
    case 'match':
      return weight;
    // Partial credit: an unknown company may well be a fit; a known mismatch is not.
    case 'unknown':
      return weight * unknownCredit;
    case 'mismatch':
    case 'not_configured':
      return 0;
    default:
      return outcome satisfies never;
  }
}

/**
 * Fit: how closely the company matches the site's ideal customer.
 * The maximum counts only configured dimensions, so without an ICP fit is 0 of 0 and
 * the score rests on behaviour alone (at most 75 with the default weights).
 */
export function fitPoints(facts: Pick<CompanyFacts, FitDimension>, model: ScoringModel['fit'], icp: CompiledIcp): ComponentResult {
  let points = 0;
  let max = 0;
  const detail: Record<string, { value: string | null; outcome: FitOutcome; points: number }> = {};
  for (const dimension of DIMENSIONS) {
    const value = factFor(facts, dimension);
    const outcome = fitOutcome(icp[dimension], value);
    const weight = model.weights[dimension];
    const earned = outcomePoints(outcome, weight, model.unknownCredit);
    if (outcome !== 'not_configured') max += weight;
    points += earned;
    detail[dimension] = { value, outcome, points: earned };
  }
  return { points, max, facts: detail };
}
