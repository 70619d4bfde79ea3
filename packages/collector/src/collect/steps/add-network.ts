import { botByNetwork } from '../../resolve/classify.js';
import type { CompanyProfile } from '../../resolve/types.js';
import type { CompanyWithLogo } from '../../resolve/logo-url.js';
import type { NetworkResolution } from '../event.js';
import type { NamedStep } from '../pipeline.js';

/**
 * Resolves the client IP to a network and, where one is behind it, a company.
 * Traffic from hosting and cloud networks is a bot signal (people browse from
 * homes, offices and phones, crawlers from data centres) unless the site's own
 * identity data names the address.
 */
export function addNetwork(
  resolve: (siteId: string, ip: string) => NetworkResolution,
  withLogo: (company: CompanyProfile) => CompanyWithLogo = (company) => company,
): NamedStep {
  return {
    name: 'addNetwork',
    run(event) {
      if (event.wire.name === 'engagement') return event;
      const resolved = resolve(event.site!.id, event.ip);
      // Resolutions are shared and never mutated: with a logo template the event gets a copy naming the company with its logo.
      const company = resolved.company === null ? null : withLogo(resolved.company);
      const network = company === resolved.company ? resolved : { ...resolved, company };
      event.network = network;
      if (botByNetwork(network)) event.isBot = true;
      return event;
    },
  };
}
