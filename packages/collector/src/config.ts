import { dirname, join } from 'node:path';
import { logLevels } from './logger.js';

export type LogLevel = (typeof logLevels)[number];

/** The environment, read once into one typed object. */
export interface Config {
  port: number;
  host: string;
  dbPath: string;
  /** Number of reverse-proxy hops whose X-Forwarded-For entries we trust (0 = use the socket address). */
  trustProxyHops: number;
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
    // "1" (or "true") trusts one proxy: the right-most X-Forwarded-For entry, the
    // one our own proxy appended. Entries further left are whatever the client sent.
    trustProxyHops: trust === 'true' ? 1 : integer(env, 'CLEARVIEW_TRUST_PROXY', 0),
    logLevel: logLevel(env, warnings),
    publicUrl: publicUrl(env, warnings),
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
  };
}
