import type { Config } from '../config.js';
import type { BatchWriter } from '../intake/writer.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { companyDomainFromEmail } from '../resolve/email-domain.js';
import { singleAddressRange } from '../resolve/ip.js';
import { companyLogos } from '../resolve/logo-url.js';
import type { Resolver } from '../resolve/resolver.js';
import type { Db } from '../store/db.js';
import { createCollectHandler } from './handler.js';
import { RecentPageViews } from './recent-page-views.js';
import type { SiteCache } from './site-cache.js';
import { addClient } from './steps/add-client.js';
import { addNetwork } from './steps/add-network.js';
import { addVisitorId } from './steps/add-visitor-id.js';
import { dropForeignHost } from './steps/drop-foreign-host.js';
import { dropUnknownSite } from './steps/drop-unknown-site.js';
import { createVisitorIdDeriver } from './visitor-id.js';
import { trustedProxies } from '../http/client-ip.js';

export interface BeaconPathDeps {
  config: Config;
  db: Db;
  siteCache: SiteCache;
  resolver: Resolver;
  writer: BatchWriter;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
}

/** POST /api/v1/collect: the named steps in order, and the handler that runs them and hands records to the intake. */
export function createBeaconPath(deps: BeaconPathDeps) {
  // Cheap checks first, enrichment after, the network lookup last because it is the dearest.
  const steps = [
    dropUnknownSite((key) => deps.siteCache.find(key)),
    dropForeignHost,
    addClient,
    addVisitorId(createVisitorIdDeriver(deps.db)),
    addNetwork((siteId, ip) => deps.resolver.resolve(siteId, ip), companyLogos(deps.config.logoUrlTemplate)),
  ];
  return createCollectHandler({
    steps,
    writer: deps.writer,
    // About a minute of beacons at a few hundred a second: the window in which trackers resend.
    recentPageViews: new RecentPageViews(20_000),
    identity: { companyDomainFromEmail, singleAddressRange },
    metrics: deps.metrics,
    logger: deps.logger,
    trustProxy: trustedProxies(deps.config.trustProxy),
    bodyTimeoutMs: deps.config.connections.beaconBodyTimeoutMs,
    now: deps.now,
  });
}
