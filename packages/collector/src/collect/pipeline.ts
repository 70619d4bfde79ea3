import type { CollectEvent } from './event.js';
import { isDrop, type Drop } from './drops.js';

export type Step = (event: CollectEvent) => CollectEvent | Drop;
export interface NamedStep {
  name: string;
  run: Step;
}

/**
 * Runs the steps in order and stops at the first drop. Each step's seconds are
 * added at its index, so a slow step shows in the metrics; one clock read per
 * step boundary.
 */
export function runPipeline(steps: readonly NamedStep[], event: CollectEvent, stepSeconds?: Float64Array): CollectEvent | Drop {
  let current: CollectEvent | Drop = event;
  let started = performance.now();
  for (let i = 0; i < steps.length; i++) {
    current = steps[i]!.run(current);
    const ended = performance.now();
    if (stepSeconds) stepSeconds[i]! += (ended - started) / 1000;
    started = ended;
    if (isDrop(current)) return current;
  }
  return current;
}
