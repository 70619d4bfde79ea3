/**
 * For single-page apps that bundle the tracker:
 *
 *   import { init } from '@clearview/tracker';
 *   const clearview = init({ siteKey: 'site_...', api: 'https://collector.example.com/api/v1/collect' });
 *
 * Adds no global. Safe to import during server-side rendering: init() there
 * returns a no-op.
 */
import { noop } from './events.js';
import { start } from './tracker.js';
import type { Command, Options } from './types.js';

export type { Command, Options, Traits } from './types.js';

let command: Command | undefined;

/** Starts tracking once (later calls return the same function) and returns the command function. */
export function init(options: Options): Command {
  try {
    if (!command && typeof window == 'object') {
      // Settings read like the tag's dataset, where a flag is on when present: false and undefined are left out.
      const settings: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(options)) if (value != null && value !== false) settings[key] = value;
      command = start(settings, options.api);
    }
  } catch {
    // Never into the host app.
  }
  return command || noop;
}
