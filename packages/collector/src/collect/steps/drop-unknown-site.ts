import { drop } from '../drops.js';
import type { NamedStep } from '../pipeline.js';

export interface SiteForKey {
  id: string;
  domains: readonly string[];
  revoked: boolean;
}

/** Cheapest check first: an event for no live site is refused before any parsing work. */
export function dropUnknownSite(findSite: (siteKey: string) => SiteForKey | null): NamedStep {
  return {
    name: 'dropUnknownSite',
    run(event) {
      const site = findSite(event.wire.siteKey);
      if (!site) return drop('unknown_site_key');
      if (site.revoked) return drop('site_key_revoked');
      event.site = { id: site.id, domains: site.domains };
      return event;
    },
  };
}
