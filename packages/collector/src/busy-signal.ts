import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * Whether beacons are arriving as fast as this thread (the one that answers them) can
 * answer: over the last `windowMs` or so, it was busy more than `threshold` of the time
 * and acknowledged at least `minBeaconsPerSecond`. Both, because a client reading the API
 * in a loop keeps the thread busy by itself, and that alone is no reason to slow it down.
 * Sampled when asked, at most once a window.
 */
export function createBusySignal(options: {
  threshold: number;
  windowMs: number;
  minBeaconsPerSecond: number;
  beacons: () => number;
  now?: () => number;
}): () => boolean {
  const now = options.now ?? (() => performance.now());
  let mark: EventLoopUtilization = performance.eventLoopUtilization();
  let markedAt = now();
  let beaconsAt = options.beacons();
  let busy = false;
  return () => {
    const at = now();
    if (at - markedAt < options.windowMs) return busy;
    const since = performance.eventLoopUtilization(mark);
    const beacons = options.beacons();
    busy = since.utilization > options.threshold && ((beacons - beaconsAt) * 1000) / (at - markedAt) >= options.minBeaconsPerSecond;
    mark = performance.eventLoopUtilization();
    markedAt = at;
    beaconsAt = beacons;
    return busy;
  };
}
