/**
 * The tag: <script defer src="https://COLLECTOR/t.js" data-site-key="site_...">.
 * Reads its settings from its own tag (`dataset`: data-no-storage is
 * noStorage), starts, and takes over the `clearview` stub, replaying the
 * calls queued before it loaded.
 */
import { start } from './tracker.js';
import type { Command } from './types.js';

type Global = Command & {
  /** Calls queued by the stub, each an `arguments` object. */
  q?: Iterable<unknown>[];
  /** Set once the tracker runs, so a second copy of the tag does nothing. */
  l?: 1;
};

declare global {
  interface Window {
    clearview?: Global;
  }
}

try {
  const stub = window.clearview;
  if (!stub?.l) {
    const script = document.currentScript as HTMLScriptElement;
    const settings = script.dataset;
    // By default the collector that served this file.
    const command: Global = start(settings, settings.api || new URL('/api/v1/collect', script.src).href);
    command.l = 1;
    window.clearview = command;
    for (const args of stub?.q || []) (command as (...args: unknown[]) => void)(...args);
  }
} catch {
  // Never into the host page.
}
