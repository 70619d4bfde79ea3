import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBusySignal } from '../../packages/collector/src/busy-signal.js';

describe('the busy signal of the thread that answers beacons', () => {
  it('says busy after a window the event loop spent working, and not busy after one it spent waiting', async () => {
    const busy = createBusySignal({ threshold: 0.5, windowMs: 100 });
    const until = performance.now() + 250;
    while (performance.now() < until);
    expect(busy()).toBe(true);
    await sleep(250);
    expect(busy()).toBe(false);
  });

  it('keeps its last answer within a window instead of sampling again', async () => {
    let clock = 0;
    const busy = createBusySignal({ threshold: 0.5, windowMs: 100, now: () => clock });
    clock = 100;
    const until = performance.now() + 150;
    while (performance.now() < until);
    expect(busy()).toBe(true);
    await sleep(150);
    clock = 150;
    expect(busy()).toBe(true);
    clock = 200;
    expect(busy()).toBe(false);
  });
});
