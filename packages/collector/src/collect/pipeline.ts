import type { CollectEvent } from './event.js';
import { isDrop, type Drop } from './drops.js';

export type Step = (event: CollectEvent) => CollectEvent | Drop;
export interface NamedStep {
  name: string;
  run: Step;
}

/**
 * Runs the steps in order and stops at the first drop. Each step's time is
 * added under its own name so a slow step shows in the metrics.
 */
export function runPipeline(steps: readonly NamedStep[], event: CollectEvent, timeStep?: (name: string, ns: bigint) => void): CollectEvent | Drop {
  let current: CollectEvent | Drop = event;
  for (const step of steps) {
    const started = process.hrtime.bigint();
    current = step.run(current);
    timeStep?.(step.name, process.hrtime.bigint() - started);
    if (isDrop(current)) return current;
  }
  return current;
}
