/**
 * Automatic page views: on load, on client-side navigation (once per distinct
 * URL) and on a restore from the back/forward cache.
 */
import { guard, on } from './events.js';
import { current, locationUrl, trackPageView } from './pageview.js';

/** pushState, replaceState, popstate and hashchange: a page view only when the URL changed. */
function trackNewUrl(): void {
  if (locationUrl() != current?.u) trackPageView();
}

export function trackNavigation(): void {
  trackPageView();
  const guardedTrackNewUrl = guard(trackNewUrl);
  for (const method of ['pushState', 'replaceState'] as const) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called as original.apply(this, args)
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      // The page's own call first, its errors its own; then ours, which never throw.
      original.apply(this, args);
      guardedTrackNewUrl();
    };
  }
  on('popstate', trackNewUrl);
  // Without `hash` the tracked URL leaves out the #fragment: a new fragment is no new URL.
  on('hashchange', trackNewUrl);
  // A page restored from the back/forward cache is a new page view.
  on<PageTransitionEvent>('pageshow', (event) => event.persisted && trackPageView());
}
