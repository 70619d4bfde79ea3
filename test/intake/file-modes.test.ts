import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCollector } from '../helpers/process.js';

// Issue 14, finding 9: the files that hold personal data are the collector user's alone.
const dir = mkdtempSync(join(tmpdir(), 'clearview-modes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('data files', () => {
  it('are created 0600 in folders created 0700, whatever the umask', async () => {
    const dbPath = join(dir, 'data', 'clearview.db');
    const collector = await spawnCollector({ CLEARVIEW_DB: dbPath });
    try {
      expect(mode(join(dir, 'data'))).toBe(0o700);
      for (const file of ['clearview.db', 'clearview.db-wal', 'clearview.db-shm', 'clearview.db.lock']) expect(mode(join(dir, 'data', file)), file).toBe(0o600);
      const reader = new Database(dbPath, { readonly: true });
      const siteKey = (reader.prepare('SELECT site_key FROM sites').pluck().get() as string) ?? '';
      reader.close();
      const beacon = { k: siteKey, n: 'pageview', v: 'visitor_modes1', p: 'pv_modes_0001', u: 'http://localhost/' };
      expect((await fetch(`${collector.url}/api/v1/collect`, { method: 'POST', body: JSON.stringify(beacon) })).status).toBe(202);
      const intake = join(dir, 'data', 'clearview.db-intake');
      expect(mode(intake)).toBe(0o700);
      const segments = readdirSync(intake);
      expect(segments.length).toBeGreaterThan(0);
      for (const segment of segments) expect(mode(join(intake, segment)), segment).toBe(0o600);
    } finally {
      collector.child.kill('SIGTERM');
      await collector.exited;
    }
  });
});
