import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnCollector } from '../helpers/process.js';
import { runCli } from '../helpers/process.js';
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

  it('lets the CLI work beside a running collector, but not check or repair the intake log it is writing', backstop, async () => {
    const collector = await spawnCollector({ CLEARVIEW_DB: dbPath });
    try {
      const created = await runCli(dbPath, 'sites', 'create', '--name', 'Beside', '--domain', 'beside.example', '--json');
      expect(created.code, created.stderr).toBe(0);
      for (const action of ['verify', 'repair']) {
        const refused = await runCli(dbPath, 'intake', action);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(new RegExp(`in use by process ${collector.child.pid}.*stop the collector first`));
      }
    } finally {
      collector.child.kill('SIGTERM');
      await collector.exited;
    }
    expect((await runCli(dbPath, 'intake', 'verify')).code).toBe(0);
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
