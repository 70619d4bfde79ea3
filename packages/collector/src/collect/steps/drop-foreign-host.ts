import { drop } from '../drops.js';
import type { NamedStep } from '../pipeline.js';

/** True when host is one of the domains or a subdomain of one. */
export function hostAllowed(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase();
  return domains.some((domain) => h === domain || h.endsWith(`.${domain}`));
}

/**
 * The site key is public, so anyone can send with it: only pages on the
 * site's registered domains count, or anybody could pollute the site's data.
 * Identify events carry no URL; they are bound by the site key alone.
 */
export const dropForeignHost: NamedStep = {
  name: 'dropForeignHost',
  run(event) {
    const { wire, site } = event;
    if (wire.name === 'identify' || !site) return event;
    return hostAllowed(wire.url.hostname, site.domains) ? event : drop('domain_not_allowed');
  },
};
