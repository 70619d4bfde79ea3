import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * One collector per database: two would append to one intake log with the same
 * numbers, and each commit would skip the other's events as already written.
 *
 * The lock is a small SQLite database beside the real one, `<CLEARVIEW_DB>.lock`,
 * held in exclusive locking mode: SQLite takes an OS file lock (fcntl) and keeps it
 * while the connection is open, and the kernel drops it when the process ends,
 * however it ends. So a collector killed with kill -9 leaves no stale lock behind,
 * and nothing depends on a PID still meaning the same process (after a reboot, or
 * in a container where every start gets the same PID), as a PID file would.
 *
 * The holder writes its PID into the lock database's user_version, which another
 * process reads from the file header to name it (an advisory lock does not stop a
 * plain read). Never read the lock file with node:fs in the process holding it:
 * closing any descriptor of a file drops every fcntl lock the process has on it.
 */
export interface DatabaseLock {
  path: string;
  release(): void;
}

export class DatabaseLocked extends Error {
  constructor(
    readonly dbPath: string,
    readonly lockPath: string,
    /** The holder's process id, when it could be read. */
    readonly holderPid: number | null,
  ) {
    const holder = holderPid === null ? 'another process' : holderPid === process.pid ? 'this process' : `process ${holderPid}`;
    super(`the database ${dbPath} is in use by ${holder}, which holds ${lockPath}: only one collector may run on a database`);
    this.name = 'DatabaseLocked';
  }
}

/** Locks this process holds, so that a second attempt here never opens the lock file itself (see above). */
const heldHere = new Set<string>();

/** Takes the database's lock, or throws DatabaseLocked at once if another process holds it. */
export function lockDatabase(dbPath: string): DatabaseLock {
  const lockPath = `${dbPath}.lock`;
  const key = resolve(lockPath);
  if (heldHere.has(key)) throw new DatabaseLocked(dbPath, lockPath, process.pid);
  mkdirSync(dirname(lockPath), { recursive: true, mode: 0o700 });
  // No busy wait: a held lock is held for as long as its collector runs.
  const db = new Database(lockPath, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.pragma(`user_version = ${process.pid}`);
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DatabaseLocked(dbPath, lockPath, holderOf(lockPath));
    throw error;
  }
  heldHere.add(key);
  let held = true;
  return {
    path: lockPath,
    release() {
      if (!held) return;
      held = false;
      heldHere.delete(key);
      db.close();
    },
  };
}

/** The PID the holder wrote into the lock database's header (user_version, bytes 60-63), or null. */
function holderOf(lockPath: string): number | null {
  try {
    const fd = openSync(lockPath, 'r');
    const header = Buffer.alloc(64);
    try {
      if (readSync(fd, header, 0, 64, 0) < 64) return null;
    } finally {
      closeSync(fd);
    }
    const pid = header.readUInt32BE(60);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
