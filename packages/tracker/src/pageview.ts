/**
 * The current page view: sending it, and measuring its engaged time.
 *
 * The clock runs only while the page is visible. Hiding the page (which also
 * happens before the back/forward cache freezes it) and leaving the page view
 * stop it and send what it counted: frozen time is never counted, and each
 * engagement event holds exactly one visible stretch, so no running total is
 * needed.
 */
import { on } from './events.js';
import { newId } from './ids.js';
import { send } from './send.js';
import { MAX_TITLE_LENGTH, MAX_URL_LENGTH, type PageViewFields } from './wire.js';

/** A page view as the wire names it: its id `p` and URL `u`. */
type PageView = Pick<PageViewFields, 'p' | 'u'>;

/** The page view being measured; undefined before the first one. */
export let current: PageView | undefined;

/** When the clock started, 0 while it is stopped. */
let visibleSince = 0;

let includeHash = false;

/** The page's URL as it is tracked: without the #fragment unless `hash`. */
export function locationUrl(): string {
  return (includeHash ? location.href : location.href.split('#')[0]).slice(0, MAX_URL_LENGTH);
}

function startClock(): void {
  if (!visibleSince && !document.hidden) visibleSince = Date.now();
}

/** Stops the clock and sends the engaged ms since the last engagement event, if any. */
function flushEngagement(): void {
  const engaged = visibleSince && Date.now() - visibleSince;
  visibleSince = 0;
  if (current && engaged > 0) send('engagement', { ...current, e: engaged });
}

/**
 * Ends the current page view (sending its engaged time) and sends a new one.
 * The referrer is document.referrer for the first page view of a document,
 * then the URL of the previous page view.
 */
export function trackPageView(): void {
  flushEngagement();
  const previous = current;
  current = { p: newId(), u: locationUrl() };
  send('pageview', {
    ...current,
    // Empty strings become undefined, which JSON.stringify leaves out.
    r: (previous?.u || document.referrer).slice(0, MAX_URL_LENGTH) || undefined,
    t: document.title.slice(0, MAX_TITLE_LENGTH) || undefined,
    w: screen.width,
  });
  startClock();
}

export function measurePageViews(hash: boolean): void {
  includeHash = hash;
  on('visibilitychange', () => (document.hidden ? flushEngagement() : startClock()));
  on('pagehide', flushEngagement);
}
