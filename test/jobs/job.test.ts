import { describe, expect, it } from 'vitest';
import { startJob } from '../../packages/collector/src/jobs/job.js';
import { createLogger } from '../../packages/collector/src/logger.js';
import { createMetrics } from '../../packages/collector/src/metrics.js';

const deps = () => ({ logger: createLogger('silent'), metrics: createMetrics() });
const turn = () => new Promise((r) => setImmediate(r));

describe('a background job', () => {
  it('runs at once when woken, long before its next tick', async () => {
    let runs = 0;
    const job = startJob({ name: 'woken', everyMs: 3_600_000, run: async () => void runs++ }, deps());
    expect(runs).toBe(0);
    job.wake();
    await turn();
    expect(runs).toBe(1);
    await job.stop();
  });

  it('runs once more right after the run in progress when woken during it, never two at a time', async () => {
    let runs = 0;
    let inFlight = 0;
    let most = 0;
    let finish: () => void = () => undefined;
    const job = startJob(
      {
        name: 'busy',
        everyMs: 3_600_000,
        run: () => {
          runs++;
          most = Math.max(most, ++inFlight);
          return new Promise<void>((resolve) => (finish = () => (inFlight--, resolve())));
        },
      },
      deps(),
    );
    job.wake();
    job.wake();
    job.wake();
    expect(runs).toBe(1);
    finish();
    await turn();
    expect(runs).toBe(2);
    finish();
    await turn();
    expect(runs).toBe(2);
    expect(most).toBe(1);
    await job.stop();
  });

  it('does nothing when woken after it stopped', async () => {
    let runs = 0;
    const job = startJob({ name: 'stopped', everyMs: 3_600_000, run: async () => void runs++ }, deps());
    await job.stop();
    job.wake();
    await turn();
    expect(runs).toBe(0);
  });

  it('tells a run in progress to stop when stopped, and waits for that run only', async () => {
    let steps = 0;
    const job = startJob(
      {
        name: 'backlog',
        everyMs: 3_600_000,
        run: async (stopping) => {
          // A backlog that would take a million steps.
          while (!stopping.aborted && steps < 1_000_000) {
            steps++;
            await turn();
          }
        },
      },
      deps(),
    );
    job.wake();
    await turn();
    await turn();
    await job.stop();
    const atStop = steps;
    expect(atStop).toBeGreaterThan(0);
    expect(atStop).toBeLessThan(100);
    await turn();
    expect(steps).toBe(atStop);
  });
});
