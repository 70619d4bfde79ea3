import type { NetworkResolution } from '../event.js';
import type { NamedStep } from '../pipeline.js';

/**
 * Resolves the client IP to a network and, where one is behind it, a company.
 * Traffic from hosting and cloud networks is a bot signal: people browse from
 * homes, offices and phones, crawlers from data centres.
 */
export function addNetwork(resolve: (siteId: string, ip: string) => NetworkResolution): NamedStep {
  return {
    name: 'addNetwork',
    run(event) {
      if (event.wire.name === 'engagement') return event;
      const network = resolve(event.site!.id, event.ip);
      event.network = network;
      if (network.hostingSignal) event.isBot = true;
      return event;
    },
  };
}
