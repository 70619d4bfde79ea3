import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCollector, type CollectorProcess } from '../helpers/process.js';

// Issue 14, finding 8: backup and restore match the intake log.
let dir: string;
let dbPath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-backup-'));
  dbPath = join(dir, 'clearview.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(dbPath, ...args);

const count = (path: string, sql: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
};

/** Sends `n` page views; each 202 means the event is in the intake log. */
async function sendPageViews(collector: CollectorProcess, n: number, tag: string): Promise<void> {
  const siteKey = count(dbPath, 'SELECT site_key FROM sites LIMIT 1') as unknown as string;
  for (let i = 0; i < n; i++) {
    const beacon = { k: siteKey, n: 'pageview', v: `visitor_${tag}`, p: `pv_${tag}_${String(i).padStart(6, '0')}`, u: `http://localhost/${tag}/${i}` };
    expect((await fetch(`${collector.url}/api/v1/collect`, { method: 'POST', body: JSON.stringify(beacon) })).status).toBe(202);
  }
}

describe('backup and restore', () => {
  // Commits wait a minute for their batch to fill: acknowledged events stay in the intake log only.
  const slowCommits = { CLEARVIEW_DB: '', CLEARVIEW_COMMIT_DELAY_MS: '60000' };
  const backupPath = () => join(dir, 'backup.db');

  it('backs up every acknowledged event, those still in the intake log too, and refuses to overwrite without --force', async () => {
    const collector = await spawnCollector({ ...slowCommits, CLEARVIEW_DB: dbPath });
    try {
      await sendPageViews(collector, 25, 'first');
      expect(count(dbPath, 'SELECT COUNT(*) FROM page_views')).toBe(0);
      const { code, stdout } = await cli('backup', backupPath(), '--json');
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ fromLog: 25, progress: 25 });
      expect(count(backupPath(), 'SELECT COUNT(*) FROM page_views')).toBe(25);
      expect(statSync(backupPath()).mode & 0o777).toBe(0o600);

      const again = await cli('backup', backupPath());
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('--force');
      expect((await cli('backup', backupPath(), '--force')).code).toBe(0);
    } finally {
      collector.child.kill('SIGKILL');
      await collector.exited;
    }
  });

  it('refuses to restore while a collector holds the database', async () => {
    const collector = await spawnCollector({ ...slowCommits, CLEARVIEW_DB: dbPath });
    try {
      const { code, stderr } = await cli('restore', backupPath());
      expect(code).toBe(1);
      expect(stderr).toContain('stop the collector first');
    } finally {
      collector.child.kill('SIGKILL');
      await collector.exited;
    }
  });

  it('restores without replaying newer events onto the old database, and leaves no gap', async () => {
    let collector = await spawnCollector({ ...slowCommits, CLEARVIEW_DB: dbPath });
    // Newer events than the backup, acknowledged and left in the log by a crash.
    await sendPageViews(collector, 10, 'newer');
    collector.child.kill('SIGKILL');
    await collector.exited;

    const { code, stdout } = await cli('restore', backupPath());
    expect(code).toBe(0);
    expect(stdout).toContain('moved to');
    // The old folder is kept for the operator, not deleted.
    expect(readdirSync(dir).some((name) => name.startsWith('clearview.db-intake.before-restore-'))).toBe(true);

    collector = await spawnCollector({ CLEARVIEW_DB: dbPath });
    try {
      await sendPageViews(collector, 3, 'after');
      collector.child.kill('SIGTERM');
      await collector.exited;
      expect(count(dbPath, "SELECT COUNT(*) FROM page_views WHERE path LIKE '/newer/%'")).toBe(0);
      expect(count(dbPath, 'SELECT COUNT(*) FROM page_views')).toBe(28);
      // The numbers go on from the backup's: 25, then 26, 27, 28.
      expect(count(dbPath, 'SELECT seq FROM intake_progress')).toBe(28);
      expect(existsSync(`${dbPath}-intake`)).toBe(true);
    } finally {
      if (collector.child.exitCode === null) collector.child.kill('SIGKILL');
    }
  });
});

describe('a clean stop', () => {
  it('commits what was acknowledged, deletes the committed segments and exits 0', async () => {
    const stopDir = mkdtempSync(join(tmpdir(), 'clearview-stop-'));
    const previous = dbPath;
    dbPath = join(stopDir, 'clearview.db');
    try {
      const collector = await spawnCollector({ CLEARVIEW_DB: dbPath, CLEARVIEW_COMMIT_DELAY_MS: '60000' });
      await sendPageViews(collector, 12, 'stop');
      collector.child.kill('SIGTERM');
      expect(await collector.exited).toBe(0);
      expect(count(dbPath, 'SELECT COUNT(*) FROM page_views')).toBe(12);
      expect(readdirSync(`${dbPath}-intake`)).toEqual([]);
    } finally {
      dbPath = previous;
      rmSync(stopDir, { recursive: true, force: true });
    }
  });
});
