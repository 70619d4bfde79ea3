/**
 * Wires the pieces: exclusions, the visitor id, engaged time, page views and
 * the command function. Shared by the tag (index.ts) and init() (esm.ts).
 */
import { guard, noop, whenActive } from './events.js';
import { excluded } from './exclusions.js';
import { visitorId } from './ids.js';
import { ignore } from './ignore.js';
import { trackNavigation } from './navigation.js';
import { measurePageViews, trackPageView } from './pageview.js';
import { configureSend, send } from './send.js';
import type { Command, Settings, Traits } from './types.js';
import { MAX_TRAIT_LENGTH } from './wire.js';

const TRAIT_KEYS = 'email firstName lastName jobTitle company phone linkedinUrl'.split(' ') as (keyof Traits)[];

function identify(traits: Traits | undefined): void {
  if (!traits?.email) {
    ignore('no_email');
    return;
  }
  const kept: Record<string, string> = {};
  for (const key of TRAIT_KEYS) {
    const value = traits[key];
    // Empty values are left out; numbers (a phone) become strings.
    if (value) kept[key] = ('' + value).slice(0, MAX_TRAIT_LENGTH);
  }
  send('identify', { d: kept });
}

/** Starts tracking (unless excluded) and returns the command function. */
export function start(settings: Settings, endpoint: string): Command {
  // Excluded: calls stay harmless no-ops.
  if (excluded(settings)) return noop;
  configureSend(endpoint, settings.siteKey as string, 'noStorage' in settings ? undefined : visitorId());
  // A prerendered page counts from when it is shown; commands made meanwhile wait, in order.
  whenActive(() => {
    measurePageViews('hash' in settings);
    if (!('manual' in settings)) trackNavigation();
  });
  return guard((command: string, data?: unknown) =>
    whenActive(() => {
      if (command == 'pageview') trackPageView();
      else if (command == 'identify') identify(data as Traits | undefined);
      else ignore('unknown_command');
    }),
  );
}
