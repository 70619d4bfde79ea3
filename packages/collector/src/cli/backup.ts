import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { commitRecords, isFailedWrite } from '../intake/commit.js';
import { eventBatch } from '../intake/log-repair.js';
import { scanIntakeLog, type PendingLine } from '../intake/log-scan.js';
import { openDatabase, type Db } from '../store/db.js';
import { readIntakeProgress, saveIntakeProgress } from '../store/intake-progress.js';

export const intakeDir = (dbPath: string) => `${dbPath}-intake`;

export interface BackupReport {
  file: string;
  /** Acknowledged events the log held beyond the snapshot's progress, written into the backup. */
  fromLog: number;
  progress: number;
}

/**
 * `clearview backup FILE`: a snapshot that holds every event acknowledged before it began.
 * An acknowledged event is in the database or in the intake log past its progress; the log is
 * read first and the snapshot taken second, so an event committed (and its segment deleted)
 * between the two is in the snapshot, and one still pending is written into the copy from what
 * was read. The copy is made under a temporary name and renamed at the end: an interrupted
 * backup leaves no half-written FILE.
 */
export async function backupDatabase(db: Db, dbPath: string, file: string, options: { force: boolean; onProgress?: (percent: number) => void }): Promise<BackupReport> {
  if (existsSync(file) && !options.force) throw new BackupRefused(`${file} exists; pass --force to overwrite it`);
  const logged = dbPath === ':memory:' ? [] : readLoggedEvents(intakeDir(dbPath), readIntakeProgress(db));
  const partial = `${file}.partial-${process.pid}`;
  try {
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.(totalPages === 0 ? 100 : Math.floor(((totalPages - remainingPages) / totalPages) * 100));
        // Pages per step: small enough that the collector's writes interleave with the copy.
        return 1_000;
      },
    });
    const copy = openDatabase(partial);
    let fromLog = 0;
    let progress = 0;
    try {
      progress = readIntakeProgress(copy);
      const needed = logged.filter((line) => line.seq! > progress);
      if (needed.length > 0) {
        copy.transaction(() => {
          const results = commitRecords(copy, eventBatch(needed, progress), Date.now());
          fromLog = results.filter((result) => !isFailedWrite(result)).length;
          progress += needed.length;
          saveIntakeProgress(copy, progress);
        })();
      }
      // One file: the copy's WAL folded in, so FILE alone is the backup.
      copy.pragma('wal_checkpoint(TRUNCATE)');
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    renameSync(partial, file);
    return { file, fromLog, progress };
  } finally {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(leftover, { force: true });
  }
}

/**
 * The readable events the log holds past `progress`, in number order, contiguous from
 * progress + 1: an event after a damaged line is left out, as a replay would stop there
 * (`clearview intake verify` names the damage).
 */
function readLoggedEvents(dir: string, progress: number): PendingLine[] {
  if (!existsSync(dir)) return [];
  const scan = scanIntakeLog(dir, progress);
  const events: PendingLine[] = [];
  for (const line of scan.pending) {
    if (!line.readable || line.seq !== progress + events.length + 1) break;
    events.push(line);
  }
  return events;
}

export class BackupRefused extends Error {}

export interface RestoreReport {
  file: string;
  progress: number;
  /** Where the intake folder of the replaced database went, when it had one. */
  intakeMovedTo: string | null;
}

/**
 * `clearview restore FILE` (with the collector stopped: the caller holds the database lock).
 * The intake log beside the current database numbers its events after that database's
 * progress: replayed onto the restored one it would write events the backup never had, with
 * a gap before them. So the folder is moved aside (kept, never deleted), and the restored
 * database starts an empty log after its own progress. Its stale WAL and shared-memory
 * files go too: SQLite would apply the old WAL to the new file.
 */
export function restoreDatabase(dbPath: string, file: string, now: number): RestoreReport {
  if (!existsSync(file)) throw new BackupRefused(`${file} does not exist`);
  const staged = `${dbPath}.restoring-${process.pid}`;
  copyFileSync(file, staged);
  let progress: number;
  try {
    // Opening it checks that it is a ClearView database, and brings its schema up to date.
    const check = openDatabase(staged);
    try {
      const ok = check.pragma('quick_check', { simple: true });
      if (ok !== 'ok') throw new BackupRefused(`${file} is damaged: ${String(ok)}`);
      progress = readIntakeProgress(check);
      check.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      check.close();
    }
  } catch (error) {
    for (const leftover of [staged, `${staged}-wal`, `${staged}-shm`]) rmSync(leftover, { force: true });
    if (error instanceof BackupRefused) throw error;
    throw new BackupRefused(`${file} is not a ClearView database: ${(error as Error).message}`);
  }
  let intakeMovedTo: string | null = null;
  const intake = intakeDir(dbPath);
  if (existsSync(intake)) {
    intakeMovedTo = `${intake}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(intake, intakeMovedTo);
  }
  for (const stale of [`${dbPath}-wal`, `${dbPath}-shm`, `${staged}-wal`, `${staged}-shm`]) rmSync(stale, { force: true });
  renameSync(staged, dbPath);
  return { file, progress, intakeMovedTo };
}
