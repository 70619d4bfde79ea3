import type { IntentPattern } from './types.js';

/** Paths longer than this are cut before matching: it bounds the work one path can cost. */
export const MAX_PATH_LENGTH = 512;

/** Entries per cache generation (two generations are kept per model). */
const PATH_CACHE_GENERATION = 20_000;

/** A glob split at its stars: `/a*b*c` is prefix `/a`, middles `[b]`, suffix `c`. */
interface CompiledGlob {
  exact: boolean;
  prefix: string;
  middles: string[];
  suffix: string;
}

/** What the matcher remembers of one raw path: the first matching pattern (or -1) and the path's normal form. */
export interface PathMatch {
  readonly index: number;
  readonly path: string;
}

export interface IntentMatcher {
  /** The index of the first pattern matching this raw path, or -1. */
  match(rawPath: string): number;
  /** The same answer with the normalized path, so a company's matched paths are normalized once per site, not once per company. */
  lookup(rawPath: string): PathMatch;
}

/**
 * Path normal form, so that `/Pricing/?ref=x` and `/pricing` are one page:
 * - cut to MAX_PATH_LENGTH first;
 * - drop the query and fragment, which carry campaigns, not topics;
 * - lower-case, since sites rarely serve different pages by case;
 * - trim trailing slashes, keeping the root `/`.
 */
export function normalizePath(raw: string): string {
  let path = raw.length > MAX_PATH_LENGTH ? raw.slice(0, MAX_PATH_LENGTH) : raw;
  const query = path.indexOf('?');
  if (query >= 0) path = path.slice(0, query);
  const fragment = path.indexOf('#');
  if (fragment >= 0) path = path.slice(0, fragment);
  path = path.toLowerCase();
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47 /* '/' */) end--;
  return end === path.length ? path : path.slice(0, end);
}

/**
 * Globs, not regular expressions: site owners write `/pricing*` or `*demo*`, `*` is any
 * run of characters including `/`, and every other character is literal. We match by
 * prefix, suffix and a left-to-right `indexOf` of the literals between stars, which is
 * exact for star-only globs and linear in the path for each literal: visitors choose
 * the paths we match, so no path can make a backtracking regex run away.
 */
export function compileGlob(glob: string): CompiledGlob {
  const parts = glob.toLowerCase().split('*');
  if (parts.length === 1) return { exact: true, prefix: parts[0], middles: [], suffix: '' };
  return {
    exact: false,
    prefix: parts[0],
    middles: parts.slice(1, -1).filter((part) => part.length > 0),
    suffix: parts[parts.length - 1],
  };
}

/** Whether a normalized path matches a compiled glob (anchored at both ends). */
export function globMatches(glob: CompiledGlob, path: string): boolean {
  if (glob.exact) return path === glob.prefix;
  const end = path.length - glob.suffix.length;
  if (end < glob.prefix.length) return false;
  if (!path.startsWith(glob.prefix) || !path.endsWith(glob.suffix)) return false;
  let from = glob.prefix.length;
  for (const literal of glob.middles) {
    // Leftmost placement of each literal leaves the most room for the next: greedy is exact here.
    const at = path.indexOf(literal, from);
    if (at < 0 || at + literal.length > end) return false;
    from = at + literal.length;
  }
  return true;
}

/**
 * Compiles a model's intent patterns once. A path counts for the first pattern that
 * matches it, so order is meaning (a zero-weight `careers` first keeps job ads out of
 * `demo`). Answers are remembered per raw path, because a site's companies read the same
 * pages. The cache has two generations: when the young one fills up it becomes the old one,
 * and paths found there are promoted back, so popular pages survive a flood of one-off URLs.
 */
export function compileIntentPatterns(patterns: readonly IntentPattern[]): IntentMatcher {
  const compiled = patterns.map((pattern) => pattern.paths.map(compileGlob));
  let young = new Map<string, PathMatch>();
  let old = new Map<string, PathMatch>();

  function remember(raw: string, answer: PathMatch): void {
    if (young.size >= PATH_CACHE_GENERATION) {
      old = young;
      young = new Map();
    }
    young.set(raw, answer);
  }

  function firstMatch(path: string): number {
    for (let index = 0; index < compiled.length; index++) {
      for (const glob of compiled[index]) {
        if (globMatches(glob, path)) return index;
      }
    }
    return -1;
  }

  function lookup(raw: string): PathMatch {
    const known = young.get(raw);
    if (known !== undefined) return known;
    const aged = old.get(raw);
    if (aged !== undefined) {
      remember(raw, aged);
      return aged;
    }
    const path = normalizePath(raw);
    const answer: PathMatch = { index: firstMatch(path), path };
    if (raw.length <= MAX_PATH_LENGTH) remember(raw, answer);
    return answer;
  }

  return { lookup, match: (raw) => lookup(raw).index };
}
