import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * Whether this thread's event loop has been busy more than `threshold` of the time over
 * the last `windowMs` or so: on the thread that answers beacons, a sign that they are
 * arriving as fast as it can answer them. Sampled when asked, at most once a window.
 */
export function createBusySignal(options: { threshold: number; windowMs: number; now?: () => number }): () => boolean {
  const now = options.now ?? (() => performance.now());
  let mark: EventLoopUtilization = performance.eventLoopUtilization();
  let markedAt = now();
  let busy = false;
  return () => {
    const at = now();
    if (at - markedAt < options.windowMs) return busy;
    const since = performance.eventLoopUtilization(mark);
    busy = since.utilization > options.threshold;
    mark = performance.eventLoopUtilization();
    markedAt = at;
    return busy;
  };
}
