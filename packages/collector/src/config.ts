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
  logLevel: string;
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
  cityDbPath: string | null;
  /** Operator files in the enterprises.json format (CLEARVIEW_ENTERPRISES_FILES, comma-separated). */
  enterpriseFiles: string[];
  rdns: boolean;
  logoUrlTemplate: string | null;
  trackerFile: string;
  /** Domain registered for the first site on a brand-new database. */
  firstSiteDomain: string;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}, got "${raw}"`);
  return value;
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
  return {
    port: integer(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    dbPath: env.CLEARVIEW_DB || './data/clearview.db',
    trustProxy: trustProxy(trust),
    logLevel: env.LOG_LEVEL || 'info',
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
    cityDbPath: env.CLEARVIEW_CITY_DB || null,
    enterpriseFiles: (env.CLEARVIEW_ENTERPRISES_FILES ?? '')
      .split(',')
      .map((file) => file.trim())
      .filter((file) => file !== ''),
    rdns: env.CLEARVIEW_RDNS === '1' || env.CLEARVIEW_RDNS === 'true',
    logoUrlTemplate: env.CLEARVIEW_LOGO_URL_TEMPLATE || null,
    trackerFile: env.CLEARVIEW_TRACKER_FILE || new URL('../../tracker/dist/t.js', import.meta.url).pathname,
    firstSiteDomain: env.CLEARVIEW_DOMAIN || 'localhost',
  };
}
