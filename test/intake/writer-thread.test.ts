import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkerCommitter } from '../../packages/collector/src/intake/worker-committer.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';

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
