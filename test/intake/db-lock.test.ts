import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnCollector } from '../helpers/process.js';
import { runCollector } from './processes.js';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-lock-'));
  dbPath = join(dir, 'clearview.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const backstop = { timeout: 120_000 };

describe('one collector per database', () => {
  it('stops a second collector on the same database at once, naming the process that holds it', backstop, async () => {
    const first = await spawnCollector({ CLEARVIEW_DB: dbPath });
    try {
      const second = await runCollector(dbPath);
      expect(second.started, second.output).toBe(false);
      expect(second.code).toBe(1);
      expect(second.output).toMatch(new RegExp(`not starting: the database ${dbPath} is in use by process ${first.child.pid}`));
      expect((await fetch(`${first.url}/healthz`)).ok).toBe(true);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    // Stopped, the first gave the database up.
    expect((await runCollector(dbPath)).started).toBe(true);
  });

  it('leaves no lock behind when the collector is killed with SIGKILL', backstop, async () => {
    const killed = await spawnCollector({ CLEARVIEW_DB: dbPath });
    killed.child.kill('SIGKILL');
    await killed.exited;
    const again = await runCollector(dbPath);
    expect(again.started, again.output).toBe(true);
    expect(again.code).toBe(0);
  });
});
