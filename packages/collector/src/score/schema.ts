import { z } from 'zod';
import type { ScoringModel, ScoringModelPatch } from './types.js';

/**
 * Validation of per-site scoring settings (`PATCH /api/v1/settings { "scoring": … }`).
 * Objects are strict so a typo such as `halfLife` is an error, not a silently ignored key.
 * Bounds keep every score finite and every model cheap to evaluate.
 */

function between(min: number, max: number, what: string) {
  return z
    .number({ error: `${what} must be a number` })
    .min(min, `${what} must be between ${min} and ${max}`)
    .max(max, `${what} must be between ${min} and ${max}`);
}

const saturatingWeight = z.strictObject({
  weight: between(0, 100, 'weight'),
  halfAt: z
    .number({ error: 'halfAt must be a number' })
    .gt(0, 'halfAt must be greater than 0 (the amount that earns half the weight)')
    .max(1_000_000, 'halfAt must be at most 1000000'),
});

const engagement = z.strictObject({
  pageViews: saturatingWeight,
  engagedSeconds: saturatingWeight,
  visitors: saturatingWeight,
  sessions: saturatingWeight,
});

export const PATTERN_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
// Starts with `/` or `*`; no whitespace, and no `?` or `#`: queries and fragments are dropped before matching.
const GLOB = /^[/*][^\s?#]{0,199}$/;

const GLOB_MESSAGE =
  'path glob must start with "/" or "*", be at most 200 characters and contain no spaces, "?" or "#" ' + '(only "*" is special), e.g. "/pricing*" or "*demo*"';

const intentPattern = z.strictObject({
  name: z.string({ error: 'name must be a string' }).regex(PATTERN_NAME, 'name must be 1-40 characters of a-z, 0-9, "-" or "_", starting with a letter or digit'),
  paths: z
    .array(z.string({ error: 'each path glob must be a string' }).regex(GLOB, GLOB_MESSAGE), { error: 'paths must be a list of globs' })
    .min(1, 'paths must list at least one glob')
    .max(20, 'paths may list at most 20 globs'),
  weight: between(-100, 100, 'weight'),
});

const intentPatterns = z
  .array(intentPattern, { error: 'patterns must be a list' })
  .max(50, 'patterns may list at most 50 topics')
  .superRefine((patterns, ctx) => {
    const seen = new Set<string>();
    patterns.forEach((pattern, index) => {
      if (seen.has(pattern.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `pattern name "${pattern.name}" is used twice; names must be unique`,
        });
      }
      seen.add(pattern.name);
    });
  });

const intent = z.strictObject({
  cap: between(0, 100, 'cap'),
  patterns: intentPatterns,
});

const recency = z.strictObject({
  halfLifeDays: between(1, 365, 'halfLifeDays'),
});

const labels = (what: string) =>
  z
    .array(
      z
        .string({ error: `each ${what} must be a string` })
        .trim()
        .min(1, `${what} must not be empty`)
        .max(100, `${what} must be at most 100 characters`),
      { error: `${what} list must be a list of strings` },
    )
    .max(200, `at most 200 entries per ${what} list`);

const icp = z.strictObject({
  industries: labels('industry'),
  sizes: labels('size'),
  countries: z
    .array(z.string({ error: 'each country must be a string' }).regex(/^[A-Za-z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code such as "DE"'), {
      error: 'countries must be a list of strings',
    })
    .max(250, 'at most 250 countries'),
});

const fitWeights = z.strictObject({
  industry: between(0, 100, 'industry weight'),
  size: between(0, 100, 'size weight'),
  country: between(0, 100, 'country weight'),
});

const fit = z.strictObject({
  icp,
  weights: fitWeights,
  unknownCredit: between(0, 1, 'unknownCredit'),
});

const watchlist = z.strictObject({
  bonus: between(0, 100, 'bonus'),
});

/** A complete model, e.g. one read back from the settings table. */
export const scoringModelSchema: z.ZodType<ScoringModel> = z.strictObject({
  engagement,
  intent,
  recency,
  fit,
  watchlist,
});

/** A deep-partial model as sent to PATCH: every key optional, lists replaced whole. */
export const scoringModelPatchSchema: z.ZodType<ScoringModelPatch> = z
  .strictObject(
    {
      engagement: z
        .strictObject({
          pageViews: saturatingWeight.partial(),
          engagedSeconds: saturatingWeight.partial(),
          visitors: saturatingWeight.partial(),
          sessions: saturatingWeight.partial(),
        })
        .partial(),
      intent: intent.partial(),
      recency: recency.partial(),
      fit: z.strictObject({ icp: icp.partial(), weights: fitWeights.partial(), unknownCredit: fit.shape.unknownCredit }).partial(),
      watchlist: watchlist.partial(),
    },
    { error: 'scoring settings must be an object' },
  )
  .partial();

/**
 * Applies a validated patch: nested objects merge key by key, lists (intent patterns,
 * ICP lists) replace the base list, and the base is never mutated. Returns a new object,
 * which matters because compiled models are cached by identity.
 */
export function mergeScoringModel(base: ScoringModel, patch: ScoringModelPatch): ScoringModel {
  return mergeDeep(base, patch) as ScoringModel;
}

function mergeDeep(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return clone(base);
  if (!isPlainObject(base) || !isPlainObject(patch)) return clone(patch);
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(base)) merged[key] = mergeDeep(base[key], patch[key]);
  for (const key of Object.keys(patch)) {
    if (!(key in merged) && patch[key] !== undefined) merged[key] = clone(patch[key]);
  }
  return merged;
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, clone(child)]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One validation problem, ready for the API's 400 details: `{ path: "recency.halfLifeDays", message }`. */
export interface ScoringIssue {
  path: string;
  message: string;
}

export type ScoringPatchResult = { ok: true; model: ScoringModel } | { ok: false; issues: ScoringIssue[] };

/**
 * Validate-then-merge for the settings handler: untrusted input in, either the new model
 * or every problem with its dotted path. Never throws.
 */
export function applyScoringPatch(base: ScoringModel, input: unknown): ScoringPatchResult {
  const parsed = scoringModelPatchSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: toIssues(parsed.error) };
  return { ok: true, model: mergeScoringModel(base, parsed.data) };
}

export function toIssues(error: z.ZodError): ScoringIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => `"${key}"`).join(', ');
      const where = path === '' ? '' : ` in ${path}`;
      return { path, message: `unknown setting${issue.keys.length > 1 ? 's' : ''} ${keys}${where}` };
    }
    return { path, message: issue.message };
  });
}
