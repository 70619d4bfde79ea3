/**
 * Compile-time constants, replaced by terser `compress.global_defs` (see
 * rollup.config.mjs, the one place that sets them per build).
 */

/** Log why an event or a whole visit is ignored (the ESM build: developers run it on localhost). */
declare const LOG_IGNORED: boolean;

/** Browser APIs newer than TypeScript's DOM lib. */
interface Document {
  /** true while the page is prerendered and not yet shown (Speculation Rules). */
  readonly prerendering?: boolean;
}
interface Navigator {
  /** Global Privacy Control. */
  readonly globalPrivacyControl?: boolean;
}
