import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../packages/collector/src/config.js';
import { startServer, type RunningServer, type ServerOptions } from '../../packages/collector/src/server.js';
import { createApiKey, type Permission } from '../../packages/collector/src/store/api-keys.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { createLogger } from '../../packages/collector/src/logger.js';

export interface TestServer extends RunningServer {
  dir: string;
  dbPath: string;
  /** Creates a site with keys of every permission. */
  addSite(input?: { name?: string; domains?: string[] }): TestSite;
  /** Waits until every acknowledged beacon is in the database: a 202 means logged, and the commit follows. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestSite {
  id: string;
  siteKey: string;
  webhookSecret: string;
  keys: Record<Permission, string>;
}

/** The /metrics token of every test server (send it with metricsHeaders). */
export const testMetricsToken = 'test-metrics-token-0123456789';
export const metricsHeaders = { Authorization: `Bearer ${testMetricsToken}` };

/** A real collector on an ephemeral port with a fresh SQLite file in a temporary directory. */
export async function startTestServer(
  options: { env?: Record<string, string>; config?: Partial<Config> } & Omit<Partial<ServerOptions>, 'config'> = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'clearview-test-'));
  const dbPath = join(dir, 'clearview.db');
  const config: Config = {
    ...loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      CLEARVIEW_DB: dbPath,
      CLEARVIEW_RATE_LIMIT_READ: '0',
      CLEARVIEW_RATE_LIMIT_WRITE: '0',
      CLEARVIEW_RATE_LIMIT_INGEST: '0',
      CLEARVIEW_METRICS_TOKEN: testMetricsToken,
      ...options.env,
    }),
    ...options.config,
  };
  const running = await startServer({ ...options, config, logger: options.logger ?? createLogger('silent') });
  const server: TestServer = {
    ...running,
    dir,
    dbPath,
    addSite(input = {}) {
      const { site, webhookSecret } = createSite(running.ctx.db, { name: input.name ?? 'Test site', domains: input.domains ?? ['example.com'] });
      const keys = {} as Record<Permission, string>;
      for (const permission of ['read', 'write', 'admin'] as const) {
        keys[permission] = createApiKey(running.ctx.db, { siteId: site.id, permission, label: `${permission} key` }).key;
      }
      return { id: site.id, siteKey: site.siteKey, webhookSecret, keys };
    },
    settled: () => running.ctx.writer.settled(),
    async stop() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

let counter = 0;
/** A fresh id in the wire format's alphabet. */
export function wireId(prefix = 'id'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 8)}`.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64);
}

export interface BeaconOptions {
  ip?: string;
  userAgent?: string;
  contentType?: string;
}

export const chromeUa = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * Posts one beacon body as the tracker does (text/plain). Given the test server
 * rather than its URL, it also waits for the commit that follows the 202, so the
 * test can read the database.
 */
export async function sendBeacon(target: string | TestServer, body: unknown, options: BeaconOptions = {}): Promise<Response> {
  const baseUrl = typeof target === 'string' ? target : target.url;
  const headers: Record<string, string> = {
    'Content-Type': options.contentType ?? 'text/plain;charset=UTF-8',
    'User-Agent': options.userAgent ?? chromeUa,
  };
  if (options.ip) headers['X-Forwarded-For'] = options.ip;
  const res = await fetch(`${baseUrl}/api/v1/collect`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  if (typeof target !== 'string') await target.settled();
  return res;
}
