import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointLag, wallMs, whenCheckpointsKeepUp } from '../../packages/collector/src/intake/checkpoint-lag.js';
import { startCheckpointer } from '../../packages/collector/src/intake/checkpointer.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';

describe('checkpoint lag', () => {
  it("counts a running checkpoint's age, and the last one's duration once it ended", () => {
    const lag = new CheckpointLag();
    expect(lag.behindMs(1_000)).toBe(0);
    lag.started(1_000);
    expect(lag.behindMs(1_400)).toBe(400);
    lag.finished(1_600);
    expect(lag.behindMs(5_000)).toBe(600);
    lag.started(6_000);
    // A new checkpoint that has only just begun: the disk was still behind at the last one's end.
    expect(lag.behindMs(6_010)).toBe(600);
    lag.finished(6_020);
    expect(lag.behindMs(7_000)).toBe(20);
  });

  it('is shared between views of the same memory, as between threads', () => {
    const lag = new CheckpointLag();
    new CheckpointLag(lag.buffer).started(100);
    expect(lag.behindMs(350)).toBe(250);
  });

  it('waits while the checkpointer is behind and goes on once a checkpoint ends quickly', async () => {
    const lag = new CheckpointLag();
    lag.started(Date.now() - 1_000);
    let done = false;
    const waited = whenCheckpointsKeepUp(lag, 250, 10_000, 10).then((ms) => ((done = true), ms));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(done).toBe(false);
    // That checkpoint ends after over a second: the disk was behind, so the wait goes on.
    lag.finished(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(done).toBe(false);
    lag.started(Date.now());
    lag.finished(Date.now());
    expect(await waited).toBeGreaterThanOrEqual(190);
  });

  it('stops waiting after its longest wait, so a slow disk slows a job without stopping it', async () => {
    const lag = new CheckpointLag();
    lag.started(Date.now() - 60_000);
    const waited = await whenCheckpointsKeepUp(lag, 250, 120, 10);
    expect(waited).toBeGreaterThanOrEqual(120);
    expect(waited).toBeLessThan(5_000);
  });

  it('is published by the checkpointer thread as it checkpoints a real WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearview-checkpoint-lag-'));
    try {
      const db = openDatabase(join(dir, 'c.db'), { walAutocheckpointPages: 0 });
      db.exec('CREATE TABLE filler (x BLOB)');
      const insert = db.prepare('INSERT INTO filler VALUES (randomblob(4000))');
      db.transaction(() => {
        for (let i = 0; i < 2_000; i++) insert.run();
      })();
      const checkpointer = startCheckpointer(
        join(dir, 'c.db'),
        (error) => {
          throw error;
        },
        20,
      );
      // The first checkpoint copies 8 MB and syncs it: a duration above zero is recorded.
      const until = Date.now() + 5_000;
      while (checkpointer.lag.behindMs(wallMs()) === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(checkpointer.lag.behindMs(wallMs())).toBeGreaterThan(0);
      await checkpointer.close();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
