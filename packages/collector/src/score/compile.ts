import { compileIcp, type CompiledIcp } from './fit.js';
import { compileIntentPatterns, type IntentMatcher } from './patterns.js';
import type { ScoringModel } from './types.js';

/** Bump when a formula changes, so old and new scores are never mistaken for comparable. */
export const SCORING_FORMULA_VERSION = 1;

export interface CompiledModel {
  label: string;
  intent: IntentMatcher;
  icp: CompiledIcp;
}

/**
 * Memoized by object identity: rescoring 100,000 companies compiles each site's model once.
 * Models are treated as immutable (the default is frozen; mergeScoringModel returns a new
 * object), so identity is a safe key, and a WeakMap lets replaced settings be collected.
 */
const compiledModels = new WeakMap<ScoringModel, CompiledModel>();

export function compileModel(model: ScoringModel): CompiledModel {
  let compiled = compiledModels.get(model);
  if (compiled === undefined) {
    compiled = {
      label: modelLabel(model),
      intent: compileIntentPatterns(model.intent.patterns),
      icp: compileIcp(model.fit.icp),
    };
    compiledModels.set(model, compiled);
  }
  return compiled;
}

/**
 * `v1-1a2b3c4d`: formula version plus a 32-bit FNV-1a hash of the model's canonical JSON
 * (object keys sorted, array order kept because pattern order is meaning). Equal settings
 * give equal labels on any host, so a stored score says which model produced it.
 */
export function modelLabel(model: ScoringModel): string {
  return `v${SCORING_FORMULA_VERSION}-${fnv1a(canonicalJson(model))}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
