/**
 * How many rows a background job's next slice (one write transaction) takes, from how long
 * its last slices took: a batch waiting behind a slice waits as long as the slice runs, and
 * what a row costs changes with the data's size and what the page cache holds.
 */
export interface SliceLimits {
  /** The time a slice aims to take. */
  targetMs: number;
  /** The fewest rows a slice takes: a slice's fixed costs are paid once for these. */
  min: number;
  /** The most rows a slice takes: what it holds in memory. */
  max: number;
  /** The first slice's rows, before any has been timed. */
  start: number;
}

export class SliceSizer {
  private current: number;

  constructor(readonly limits: SliceLimits) {
    this.current = clamp(limits.start, limits);
  }

  /** The rows the next slice takes. */
  get rows(): number {
    return this.current;
  }

  /** A slice read `rows` rows in `ms`. */
  took(rows: number, ms: number): void {
    // A slice of a few rows (a follower that caught up) is mostly fixed cost: it says little
    // about what a full slice would take.
    if (rows < this.limits.min) return;
    const fitting = (this.limits.targetMs * rows) / Math.max(ms, 0.001);
    // Shrinks at once, as far as needed; grows at most 2x a slice, so that one slice whose
    // pages were all in memory does not make the next one long.
    this.current = clamp(Math.floor(Math.min(fitting, this.current * 2)), this.limits);
  }
}

const clamp = (rows: number, { min, max }: SliceLimits): number => Math.max(min, Math.min(max, rows));
