import { ignore } from './ignore.js';
import type { Settings } from './types.js';

/** localhost, 127.0.0.1, [::1], and '' (the hostname of file: pages, as of about: and data: ones). */
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\]|)$/;

/** True when this visit is not tracked at all. Decided once, at start. */
export function excluded(settings: Settings): boolean {
  if (!settings.siteKey) return ignore('no_site_key');
  if (!('allowLocal' in settings) && LOCAL_HOST.test(location.hostname)) return ignore('local');
  if (!('allowAutomation' in settings) && navigator.webdriver) return ignore('automation');
  if ('respectDnt' in settings && (navigator.doNotTrack == '1' || navigator.globalPrivacyControl)) return ignore('do_not_track');
  if (optedOut()) return ignore('opted_out');
  return false;
}

/** A visitor opts out with `localStorage.clearview_ignore = "true"` (e.g. the site's own team). */
function optedOut(): boolean | undefined {
  try {
    return localStorage.clearview_ignore == 'true';
  } catch {
    // Blocked storage: no opt-out to read.
  }
}
