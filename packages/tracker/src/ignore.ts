// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- test/tsconfig.json reaches this file by import only, so it needs the build constants named here
/// <reference path="./globals.d.ts" />
/**
 * The one path for what is not sent. Silent in the tag build, where terser
 * removes the reasons; the ESM build tells the developer why.
 */

/** Every reason, a closed set. */
export type IgnoreReason = 'no_site_key' | 'local' | 'automation' | 'do_not_track' | 'opted_out' | 'no_email' | 'unknown_command';

/** Returns true, so that checks read `if (...) return ignore('reason')`. */
export function ignore(reason: IgnoreReason): true {
  if (LOG_IGNORED) console.warn('[clearview] ignored: ' + reason);
  return true;
}
