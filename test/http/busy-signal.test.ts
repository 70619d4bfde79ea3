import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBusySignal } from '../../packages/collector/src/busy-signal.js';

const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('the busy signal of the thread that answers beacons', () => {
  it('says busy after a window the event loop spent working on a flood of beacons, and not after one spent waiting', async () => {
    let beacons = 0;
    const busy = createBusySignal({ threshold: 0.5, windowMs: 100, minBeaconsPerSecond: 1_000, beacons: () => beacons });
    spin(250);
    beacons += 1_000;
    expect(busy()).toBe(true);
    await sleep(250);
    beacons += 1_000;
    expect(busy()).toBe(false);
  });

  it('is not busy when the thread works without beacons arriving: a client reading in a loop is no flood', () => {
    let beacons = 0;
    const busy = createBusySignal({ threshold: 0.5, windowMs: 100, minBeaconsPerSecond: 1_000, beacons: () => beacons });
    spin(250);
    beacons += 10;
    expect(busy()).toBe(false);
  });

  it('keeps its last answer within a window instead of sampling again', async () => {
    let clock = 0;
    let beacons = 0;
    const busy = createBusySignal({ threshold: 0.5, windowMs: 100, minBeaconsPerSecond: 1_000, beacons: () => beacons, now: () => clock });
    clock = 100;
    beacons = 500;
    spin(150);
    expect(busy()).toBe(true);
    await sleep(150);
    clock = 150;
    expect(busy()).toBe(true);
    clock = 200;
    expect(busy()).toBe(false);
  });
});
