import { dirname, join } from 'node:path';
import { logLevels } from './logger.js';

export type LogLevel = (typeof logLevels)[number];
import { isProxyEntry } from './http/client-ip.js';

/** The environment, read once into one typed object. */
export interface Config {
  port: number;
  host: string;
  dbPath: string;
  /**
   * Whose X-Forwarded-For entries we believe (CLEARVIEW_TRUST_PROXY): a hop count, or the
   * proxies' addresses, CIDR ranges and names (loopback, linklocal, uniquelocal). Neither: the socket address.
   */
  trustProxy: { hops: number; proxies: string[] };
  /**
   * Who may read /metrics: a scrape with CLEARVIEW_METRICS_TOKEN as Bearer, and/or anyone who
   * can reach CLEARVIEW_METRICS_ADDR (host:port, its own listener). Neither: not served.
   */
  metrics: { token: string | null; addr: { host: string; port: number } | null };
  /**
   * Bounds on what one client can hold: open connections (CLEARVIEW_MAX_CONNECTIONS), how
   * long headers and bodies may take to arrive, how long an idle keep-alive connection stays.
   */
  connections: { max: number; headersTimeoutMs: number; beaconBodyTimeoutMs: number; bodyTimeoutMs: number; keepAliveTimeoutMs: number };
  logLevel: LogLevel;
  /** Where users reach the collector (CLEARVIEW_PUBLIC_URL), for every link ClearView prints or sends; null: not set. */
  publicUrl: string | null;
  rateLimits: { read: number; write: number; ingest: number };
  writer: { maxBatch: number; maxDelayMs: number; commitDelayMs: number; maxQueue: number };
  /** CLEARVIEW_SYNCHRONOUS=FULL: flush the intake log to disk before each answer, and SQLite fsyncs each commit. */
  syncIntake: boolean;
  /** SQLite's synchronous setting for every connection the collector opens (FULL with CLEARVIEW_SYNCHRONOUS=FULL). */
  synchronous: 'NORMAL' | 'FULL';
  /** Commit batches on a worker thread (default) rather than the thread that answers HTTP. */
  writerThread: boolean;
  /** Threads that run the API's reads, each with its own connection (CLEARVIEW_READ_THREADS, default 1). */
  readThreads: number;
  /** How often the insight rollups follow new page views, in ms (CLEARVIEW_INSIGHTS_EVERY_MS, default 2,000; 0: never, e.g. to measure without). */
  insightsEveryMs: number;
  cityDbPath: string | null;
  /** Where `clearview data update` installs IP data (CLEARVIEW_DATA_DIR, default ip-data beside the database); null for an in-memory database. */
  dataDir: string | null;
  /** Operator files in the enterprises.json format (CLEARVIEW_ENTERPRISES_FILES, comma-separated). */
  enterpriseFiles: string[];
  rdns: boolean;
  logoUrlTemplate: string | null;
  trackerFile: string;
  /** Domain registered for the first site on a brand-new database. */
  firstSiteDomain: string;
  /** CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS=1: webhooks and Slack may use plain http and private addresses (local testing only). */
  allowPrivateWebhooks: boolean;
  /** CLEARVIEW_SMTP_URL and CLEARVIEW_SMTP_FROM: how alert emails are sent; null when not configured. */
  smtp: { url: string; from: string } | null;
  /** Settings that were ignored or look wrong, for the log at start. */
  warnings: string[];
  /** The built dashboard (packages/dashboard/dist), served at /dashboard/. */
  dashboardDir: string;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}, got "${raw}"`);
  return value;
}

/** Both or neither: a server without a sender address would be refused by most SMTP servers. */
function smtpOf(env: Env): Config['smtp'] {
  const url = env.CLEARVIEW_SMTP_URL;
  const from = env.CLEARVIEW_SMTP_FROM;
  if (!url && !from) return null;
  if (!url || !from) throw new Error('CLEARVIEW_SMTP_URL and CLEARVIEW_SMTP_FROM go together: set both to send alert emails, or neither');
  if (!/^smtps?:\/\//.test(url)) throw new Error('CLEARVIEW_SMTP_URL must be an smtp:// or smtps:// URL');
  return { url, from };
}

/** Every CLEARVIEW_* variable read here: any other is most likely a typo, worth a warning. */
const knownVariables = new Set([
  'CLEARVIEW_DB',
  'CLEARVIEW_TRUST_PROXY',
  'CLEARVIEW_LOG_LEVEL',
  'CLEARVIEW_PUBLIC_URL',
  'CLEARVIEW_RATE_LIMIT_READ',
  'CLEARVIEW_RATE_LIMIT_WRITE',
  'CLEARVIEW_RATE_LIMIT_INGEST',
  'CLEARVIEW_BATCH_SIZE',
  'CLEARVIEW_BATCH_DELAY_MS',
  'CLEARVIEW_COMMIT_DELAY_MS',
  'CLEARVIEW_MAX_QUEUE',
  'CLEARVIEW_SYNCHRONOUS',
  'CLEARVIEW_WRITER_THREAD',
  'CLEARVIEW_READ_THREADS',
  'CLEARVIEW_CITY_DB',
  'CLEARVIEW_ENTERPRISES_FILES',
  'CLEARVIEW_RDNS',
  'CLEARVIEW_LOGO_URL_TEMPLATE',
  'CLEARVIEW_TRACKER_FILE',
  'CLEARVIEW_DOMAIN',
  'CLEARVIEW_DATA_DIR',
  'CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS',
  'CLEARVIEW_SMTP_URL',
  'CLEARVIEW_SMTP_FROM',
  'CLEARVIEW_METRICS_TOKEN',
  'CLEARVIEW_METRICS_ADDR',
  'CLEARVIEW_MAX_CONNECTIONS',
  'CLEARVIEW_DASHBOARD_DIR',
]);

function logLevel(env: Env, warnings: string[]): LogLevel {
  // LOG_LEVEL was the first name; it still works when the new one is not set.
  const raw = env.CLEARVIEW_LOG_LEVEL || env.LOG_LEVEL;
  if (!raw) return 'info';
  const level = raw.toLowerCase();
  if ((logLevels as readonly string[]).includes(level)) return level as LogLevel;
  warnings.push(`CLEARVIEW_LOG_LEVEL "${raw}" is not one of ${logLevels.join(', ')}; logging at info`);
  return 'info';
}

function publicUrl(env: Env, warnings: string[]): string | null {
  const raw = env.CLEARVIEW_PUBLIC_URL;
  if (!raw) return null;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  warnings.push(`CLEARVIEW_PUBLIC_URL "${raw}" is not an http(s) URL; ignored`);
  return null;
}

/**
 * CLEARVIEW_TRUST_PROXY. A number (or "true", one) trusts that many proxies' entries from the
 * right of X-Forwarded-For, whoever connects. A comma-separated list of addresses, CIDR ranges
 * and loopback / linklocal / uniquelocal reads the header only from those peers.
 */
function trustProxy(raw: string | undefined): Config['trustProxy'] {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'false' || value === '0') return { hops: 0, proxies: [] };
  if (value === 'true') return { hops: 1, proxies: [] };
  if (/^\d+$/.test(value)) return { hops: Number(value), proxies: [] };
  const proxies = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const bad = proxies.filter((entry) => !isProxyEntry(entry));
  if (bad.length > 0) {
    throw new Error(`CLEARVIEW_TRUST_PROXY must be a hop count or a list of addresses, CIDR ranges and loopback/linklocal/uniquelocal; "${bad[0]}" is none`);
  }
  return { hops: 0, proxies };
}

function metricsToken(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  // A token short enough to guess protects nothing.
  if (raw.length < 16 || /\s/.test(raw)) throw new Error('CLEARVIEW_METRICS_TOKEN must be at least 16 characters without spaces');
  return raw;
}

/** "host:port", "[ipv6]:port", or ":port" for 127.0.0.1: metrics stay on the machine unless a host is named. */
function listenAddress(name: string, raw: string | undefined): { host: string; port: number } | null {
  if (raw === undefined || raw === '') return null;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(raw.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535) throw new Error(`${name} must be host:port, [ipv6]:port or :port, got "${raw}"`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

export function loadConfig(env: Env = process.env): Config {
  const trust = env.CLEARVIEW_TRUST_PROXY;
  const warnings: string[] = [];
  const dbPath = env.CLEARVIEW_DB || './data/clearview.db';
  for (const name of Object.keys(env)) {
    if (name.startsWith('CLEARVIEW_') && !knownVariables.has(name)) warnings.push(`${name} is not a ClearView setting (a typo?); ignored`);
  }
  if (env.LOG_LEVEL && !env.CLEARVIEW_LOG_LEVEL) warnings.push('LOG_LEVEL is the old name of CLEARVIEW_LOG_LEVEL; it still works');
  return {
    port: integer(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    dbPath,
    trustProxy: trustProxy(trust),
    logLevel: logLevel(env, warnings),
    publicUrl: publicUrl(env, warnings),
    metrics: { token: metricsToken(env.CLEARVIEW_METRICS_TOKEN), addr: listenAddress('CLEARVIEW_METRICS_ADDR', env.CLEARVIEW_METRICS_ADDR) },
    connections: {
      // Each connection holds a file descriptor: the cap keeps slow or idle clients from using
      // them all (the usual soft limit is 1,024 or more; raise it with ulimit -n for a higher cap).
      max: integer(env, 'CLEARVIEW_MAX_CONNECTIONS', 4_000, 1),
      headersTimeoutMs: 10_000,
      // A beacon is under 8 KB: ten seconds is ample on any line; other bodies may be up to 1 MiB.
      beaconBodyTimeoutMs: 10_000,
      bodyTimeoutMs: 30_000,
      // Longer than the 60 s idle timeout of common load balancers, so they close first and never reuse a closed connection.
      keepAliveTimeoutMs: 65_000,
    },
    rateLimits: {
      read: integer(env, 'CLEARVIEW_RATE_LIMIT_READ', 100),
      write: integer(env, 'CLEARVIEW_RATE_LIMIT_WRITE', 30),
      ingest: integer(env, 'CLEARVIEW_RATE_LIMIT_INGEST', 10),
    },
    writer: {
      maxBatch: integer(env, 'CLEARVIEW_BATCH_SIZE', 2048, 1),
      maxDelayMs: integer(env, 'CLEARVIEW_BATCH_DELAY_MS', 0),
      commitDelayMs: integer(env, 'CLEARVIEW_COMMIT_DELAY_MS', 200),
      maxQueue: integer(env, 'CLEARVIEW_MAX_QUEUE', 20_000, 1),
    },
    syncIntake: env.CLEARVIEW_SYNCHRONOUS === 'FULL',
    synchronous: env.CLEARVIEW_SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL',
    writerThread: env.CLEARVIEW_WRITER_THREAD !== '0',
    readThreads: integer(env, 'CLEARVIEW_READ_THREADS', 1, 1),
    insightsEveryMs: integer(env, 'CLEARVIEW_INSIGHTS_EVERY_MS', 2_000),
    cityDbPath: env.CLEARVIEW_CITY_DB || null,
    dataDir: env.CLEARVIEW_DATA_DIR || (dbPath === ':memory:' ? null : join(dirname(dbPath), 'ip-data')),
    enterpriseFiles: (env.CLEARVIEW_ENTERPRISES_FILES ?? '')
      .split(',')
      .map((file) => file.trim())
      .filter((file) => file !== ''),
    rdns: env.CLEARVIEW_RDNS === '1' || env.CLEARVIEW_RDNS === 'true',
    logoUrlTemplate: env.CLEARVIEW_LOGO_URL_TEMPLATE || null,
    trackerFile: env.CLEARVIEW_TRACKER_FILE || new URL('../../tracker/dist/t.js', import.meta.url).pathname,
    firstSiteDomain: env.CLEARVIEW_DOMAIN || 'localhost',
    allowPrivateWebhooks: env.CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS === '1' || env.CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS === 'true',
    smtp: smtpOf(env),
    warnings,
    dashboardDir: env.CLEARVIEW_DASHBOARD_DIR || new URL('../../dashboard/dist/', import.meta.url).pathname,
  };
}
