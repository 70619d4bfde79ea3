import { isUtf8 } from 'node:buffer';

/**
 * Limits every JSON body meets before it is parsed. Pure: bytes in, a reason out.
 */

/** The deepest nesting of arrays and objects a JSON body may have; no API body needs more than a few levels. */
export const maxJsonDepth = 32;

/**
 * Why `bytes` may not be parsed as a JSON body, or null when they may.
 * Invalid UTF-8 would otherwise be replaced with U+FFFD and stored mangled, so it is
 * refused, as beacons refuse it. Deep nesting is refused before JSON.parse: what is
 * parsed is walked recursively afterwards (validation, JSON.stringify, SQLite's JSON
 * functions, whose own depth limit is an error inside a transaction).
 */
export function jsonBodyProblem(bytes: Uint8Array, maxDepth = maxJsonDepth): string | null {
  if (!isUtf8(bytes)) return 'Request body must be UTF-8 text';
  if (nestsDeeperThan(bytes, maxDepth)) return `JSON nests deeper than ${maxDepth} levels`;
  return null;
}

/**
 * Whether brackets outside strings nest deeper than `limit`. Works on the bytes: in UTF-8
 * no byte of a multi-byte character is ASCII, so quotes and brackets are always themselves.
 * Unbalanced text is left to the parser to refuse.
 */
export function nestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === 0x5c)
        i++; // a backslash escapes the next byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > limit) return true;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return false;
}
