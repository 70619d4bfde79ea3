/**
 * The shapes of the lead score: the per-site model, the facts the caller
 * gathers for one company, and the breakdown we hand back to the API.
 * Types only; `model.ts` is the public entry point that re-exports them.
 */

/** The four engagement signals, each with its own diminishing-returns curve. */
export type EngagementSignal = 'pageViews' | 'engagedSeconds' | 'visitors' | 'sessions';

/**
 * A saturating weight: a signal worth `x` earns `weight * x / (x + halfAt)`,
 * so it earns half its weight at `x = halfAt` and approaches, never reaches, `weight`.
 */
export interface SaturatingWeight {
  weight: number;
  halfAt: number;
}

/**
 * One high-intent topic. `paths` are globs matched against the whole,
 * lower-cased path (query and fragment dropped, trailing slash trimmed);
 * `*` matches any run of characters, including `/`; nothing else is special.
 */
export interface IntentPattern {
  name: string;
  paths: string[];
  weight: number;
}

/**
 * The site's ideal-customer profile. It lives inside the model (`fit.icp`)
 * so one `PATCH /api/v1/settings { "scoring": … }` configures it with the rest.
 * An empty list means "no preference" for that dimension. Values compare
 * case-insensitively after trimming; countries are ISO 3166-1 alpha-2 codes
 * and sizes are the enrichment's employee-range labels (e.g. "51-200").
 */
export interface IcpProfile {
  industries: string[];
  sizes: string[];
  countries: string[];
}

export type FitDimension = 'industry' | 'size' | 'country';

export interface ScoringModel {
  engagement: Record<EngagementSignal, SaturatingWeight>;
  intent: {
    /** Intent points are clamped to [-cap, cap]. */
    cap: number;
    /** Ordered: a path counts for the first pattern it matches, and only that one. */
    patterns: IntentPattern[];
  };
  recency: {
    halfLifeDays: number;
  };
  fit: {
    icp: IcpProfile;
    weights: Record<FitDimension, number>;
    /** Share of a dimension's weight granted when the company's value is unknown (0..1). */
    unknownCredit: number;
  };
  watchlist: {
    bonus: number;
  };
}

/** A deep-partial model as accepted by PATCH: objects merge, arrays replace. */
export interface ScoringModelPatch {
  engagement?: { [K in EngagementSignal]?: Partial<SaturatingWeight> };
  intent?: Partial<ScoringModel['intent']>;
  recency?: Partial<ScoringModel['recency']>;
  fit?: {
    icp?: Partial<IcpProfile>;
    weights?: Partial<Record<FitDimension, number>>;
    unknownCredit?: number;
  };
  watchlist?: Partial<ScoringModel['watchlist']>;
}

/** What the caller knows about one company on one site, bots already excluded. */
export interface CompanyFacts {
  pageViews: number;
  engagedSeconds: number;
  visitors: number;
  sessions: number;
  /** Epoch ms of the latest non-bot page view. */
  lastSeenMs: number;
  /** Distinct paths with their view counts (non-bot); the caller may cap to the top N. */
  pathViews: Array<{ path: string; views: number }>;
  industry: string | null;
  size: string | null;
  country: string | null;
  watched: boolean;
}

export type ComponentName = 'engagement' | 'intent' | 'recency' | 'fit' | 'watchlist';

export interface ScoreComponent {
  name: ComponentName;
  /** Rounded to 2 decimals for display; the total is computed from the unrounded values. */
  points: number;
  max: number;
  facts: Record<string, unknown>;
}

export interface ScoreBreakdown {
  /** Integer in 0..100. */
  total: number;
  /** Always in the order engagement, intent, fit, watchlist, recency. */
  components: ScoreComponent[];
  /** `v<formula version>-<hash of the model>`: two scores with the same label are comparable. */
  model: string;
  /** Set when the company could not score at all. */
  reason?: 'no_page_views';
}

/** What each component calculator returns before it is named and rounded. */
export interface ComponentResult {
  points: number;
  max: number;
  facts: Record<string, unknown>;
}
