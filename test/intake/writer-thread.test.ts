import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkerCommitter } from '../../packages/collector/src/intake/worker-committer.js';
import { checkpointWal, openDatabase, WAL_SIZE_LIMIT } from '../../packages/collector/src/store/db.js';

/** Niceness of each thread of this process, by thread id (Linux /proc). */
function nicenessByThread(): Map<string, number> {
  const threads = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which ends at the last ')': state is the first, nice the 17th.
    threads.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return threads;
}

describe('the writer thread', () => {
  it.runIf(existsSync('/proc/thread-self'))('commits at a lower priority than the thread that answers beacons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearview-writer-thread-'));
    const path = join(dir, 'w.db');
    openDatabase(path).close();
    const before = nicenessByThread();
    const committer = createWorkerCommitter(path, () => {});
    try {
      // A reply means the thread is up and has run its start-up code.
      await committer.refreshScores(Date.now());
      const added = [...nicenessByThread()].filter(([tid]) => !before.has(tid));
      expect(added.map(([, nice]) => nice)).toContain(5);
      const self = readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]!;
      expect(nicenessByThread().get(self)).toBe(before.get(self));
    } finally {
      await committer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WAL checkpoints', () => {
  it('copy committed pages into the database file on their own thread while the collector runs', async () => {
    const { sendBeacon, startTestServer, wireId } = await import('../helpers/server.js');
    const server = await startTestServer();
    try {
      const site = server.addSite({ domains: ['example.com'] });
      const fileSize = () => statSync(server.dbPath).size;
      const before = fileSize();
      for (let i = 0; i < 60; i++) {
        const body = { k: site.siteKey, n: 'pageview', v: `visitor_${i % 50}`, p: wireId('pv'), u: `https://example.com/page/${i}?q=${'x'.repeat(400)}`, t: 'A page' };
        expect((await sendBeacon(server, body, { ip: `198.51.100.${i % 250}` })).status).toBe(202);
      }
      await server.settled();
      // No connection checkpoints on commit any more: only the checkpointer thread can grow the file.
      const deadline = Date.now() + 10_000;
      while (fileSize() <= before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fileSize()).toBeGreaterThan(before);
    } finally {
      await server.stop();
    }
  });

  it('cuts a WAL that grew past its limit back when the next write restarts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearview-wal-limit-'));
    const path = join(dir, 'w.db');
    const writer = openDatabase(path, { walAutocheckpointPages: 0 });
    const checkpointer = openDatabase(path, { walAutocheckpointPages: 0 });
    try {
      writer.exec('CREATE TABLE blobs (b BLOB)');
      const insert = writer.prepare('INSERT INTO blobs VALUES (randomblob(1048576))');
      writer.transaction(() => {
        for (let i = 0; i < WAL_SIZE_LIMIT / 1048576 + 16; i++) insert.run();
      })();
      const walSize = () => statSync(`${path}-wal`).size;
      expect(walSize()).toBeGreaterThan(WAL_SIZE_LIMIT);
      // Everything is copied back, so the next write starts the WAL over, and cuts it.
      checkpointWal(checkpointer);
      writer.prepare('DELETE FROM blobs WHERE rowid = 1').run();
      expect(walSize()).toBeLessThanOrEqual(WAL_SIZE_LIMIT);
    } finally {
      checkpointer.close();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
