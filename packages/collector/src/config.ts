/** The environment, read once into one typed object. */
export interface Config {
  port: number;
  host: string;
  dbPath: string;
  /** Number of reverse-proxy hops whose X-Forwarded-For entries we trust (0 = use the socket address). */
  trustProxyHops: number;
  logLevel: string;
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
  /** The collector's address as browsers reach it (CLEARVIEW_PUBLIC_URL, no trailing slash), for links it prints; null: http://localhost:PORT. */
  publicUrl: string | null;
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

/** CLEARVIEW_PUBLIC_URL as an origin plus optional path, without a trailing slash; a value that is not an http(s) URL stops the start. */
function publicUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error(`CLEARVIEW_PUBLIC_URL must be an http(s) URL such as https://clearview.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`CLEARVIEW_PUBLIC_URL must start with http:// or https://, got "${raw}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function loadConfig(env: Env = process.env): Config {
  const trust = env.CLEARVIEW_TRUST_PROXY;
  return {
    port: integer(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    dbPath: env.CLEARVIEW_DB || './data/clearview.db',
    // "1" (or "true") trusts one proxy: the right-most X-Forwarded-For entry, the
    // one our own proxy appended. Entries further left are whatever the client sent.
    trustProxyHops: trust === 'true' ? 1 : integer(env, 'CLEARVIEW_TRUST_PROXY', 0),
    logLevel: env.LOG_LEVEL || 'info',
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
    publicUrl: publicUrl(env.CLEARVIEW_PUBLIC_URL),
    dashboardDir: env.CLEARVIEW_DASHBOARD_DIR || new URL('../../dashboard/dist/', import.meta.url).pathname,
  };
}
