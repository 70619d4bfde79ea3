import { drop } from '../drops.js';
import type { NamedStep } from '../pipeline.js';

/**
 * True when host is one of the domains or a subdomain of one. Both sides are
 * lowercase: the URL parser lowercases hostnames, and the site cache lowercases domains.
 */
export function hostAllowed(host: string, domains: readonly string[]): boolean {
  for (const domain of domains) {
    if (host === domain) return true;
    // A dot just before the match: "evilexample.com" is not a subdomain of "example.com".
    if (host.length > domain.length && host.endsWith(domain) && host.charCodeAt(host.length - domain.length - 1) === 46) return true;
  }
  return false;
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
