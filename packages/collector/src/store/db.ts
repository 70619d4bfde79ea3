import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

// Both src/store (tests) and dist/store (production) sit two levels below the package root.
const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

export interface OpenOptions {
  /** Checkpoint once the WAL holds this many pages (SQLite's default is 1,000). */
  walAutocheckpointPages?: number;
  /** Page cache in KiB (default 32,000, for the API's reads). */
  cacheKib?: number;
  /** SQLite's synchronous setting (config.ts: CLEARVIEW_SYNCHRONOUS); default NORMAL. */
  synchronous?: 'NORMAL' | 'FULL';
  /** A read thread's connection: refuses writes, and leaves migrations to the collector's own. */
  readOnly?: boolean;
}

/** The bytes a WAL is cut back to when a write restarts it (journal_size_limit). */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  // The database holds personal data: its folder is the collector user's alone (main.ts sets the umask for the files).
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  // WAL lets the API and the CLI read while the batch writer commits, and makes a
  // commit one sequential append.
  db.pragma('journal_mode = WAL');
  if (options.walAutocheckpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${options.walAutocheckpointPages}`);
  // NORMAL in WAL mode: a committed transaction survives the process being killed
  // (kill -9, a crash), because the WAL is in the OS page cache; only a power cut or
  // kernel crash can lose the last commits. FULL would fsync every batch for that
  // rarer case; operators who need it set CLEARVIEW_SYNCHRONOUS=FULL.
  db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  // The CLI and a running collector share the file: wait for a lock rather than fail.
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Keep hot pages of the page_views indexes in memory (negative = KiB).
  db.pragma(`cache_size = -${options.cacheKib ?? 32_000}`);
  db.pragma('temp_store = MEMORY');
  // A WAL that grew large (a migration, a backlog) is cut back to this when it restarts: a
  // reused region whose pages left the OS cache is read back from disk before each frame is
  // written over it, and that read stalls the commit; a short WAL stays cached.
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  if (options.readOnly) db.pragma('query_only = ON');
  else migrate(db);
  return db;
}

/** Copies what the WAL holds back into the database file without waiting for any connection (the checkpointer thread's work). */
export function checkpointWal(db: Db): void {
  db.pragma('wal_checkpoint(PASSIVE)');
}

/** Hands this connection's checkpoints to the checkpointer thread, so its commits never run one. */
export function disableAutocheckpoint(db: Db): void {
  db.pragma('wal_autocheckpoint = 0');
}

/** Throws unless the database answers a query (the health check). */
export function pingDatabase(db: Db): void {
  db.prepare('SELECT 1').get();
}

/** Applies numbered, forward-only migrations (NNN_name.sql) not yet recorded in user_version. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  for (const file of files) {
    const version = Number(file.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(join(migrationsDir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}
