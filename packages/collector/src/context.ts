import type { BatchWriter } from './intake/writer.js';
import type { SiteCache } from './collect/site-cache.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Resolver } from './resolve/resolver.js';
import type { Db } from './store/db.js';
import type { ReadPool } from './store/read-pool.js';

/** Everything a request handler may use, built once by server.ts. */
export interface AppContext {
  config: Config;
  db: Db;
  /** The API's list and detail reads, on read threads with their own connections (inline for an in-memory database). */
  reads: ReadPool;
  logger: Logger;
  metrics: Metrics;
  resolver: Resolver;
  siteCache: SiteCache;
  writer: BatchWriter;
  /** Recomputes the lead scores of these companies now. */
  rescore: (companyIds: Iterable<string>) => void;
  now: () => number;
}
