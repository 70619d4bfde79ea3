import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const migrations = fileURLToPath(new URL('../../packages/collector/migrations', import.meta.url));

/** An in-memory database migrated up to `version` only, as a collector of that version left it: for testing the migrations after it. */
export function databaseAt(version: number): Database.Database {
  const db = new Database(':memory:');
  for (const file of readdirSync(migrations)
    .filter((f) => /^\d{3}_/.test(f))
    .sort()) {
    if (Number(file.slice(0, 3)) > version) break;
    db.exec(readFileSync(join(migrations, file), 'utf8'));
    db.pragma(`user_version = ${Number(file.slice(0, 3))}`);
  }
  return db;
}
