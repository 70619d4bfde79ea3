import { describe, expect, it } from 'vitest';
import { SliceSizer } from '../../packages/collector/src/jobs/slice-sizer.js';

const limits = { targetMs: 20, min: 100, max: 2_000, start: 500 };

describe('slice sizer', () => {
  it('starts at its first size, within its bounds', () => {
    expect(new SliceSizer(limits).rows).toBe(500);
    expect(new SliceSizer({ ...limits, start: 50 }).rows).toBe(100);
    expect(new SliceSizer({ ...limits, start: 9_000 }).rows).toBe(2_000);
  });

  it('shrinks at once to the rows that fit the target when a slice ran long', () => {
    const sizer = new SliceSizer(limits);
    sizer.took(500, 80);
    expect(sizer.rows).toBe(125);
  });

  it('grows at most twofold a slice when slices run short', () => {
    const sizer = new SliceSizer(limits);
    sizer.took(500, 1);
    expect(sizer.rows).toBe(1_000);
    sizer.took(1_000, 1);
    expect(sizer.rows).toBe(2_000);
    sizer.took(2_000, 1);
    expect(sizer.rows).toBe(2_000);
  });

  it('settles where a slice takes its target', () => {
    const sizer = new SliceSizer(limits);
    sizer.took(500, 25);
    expect(sizer.rows).toBe(400);
    sizer.took(400, 20);
    expect(sizer.rows).toBe(400);
  });

  it('never goes below its fewest rows, however slow a slice', () => {
    const sizer = new SliceSizer(limits);
    sizer.took(500, 5_000);
    expect(sizer.rows).toBe(100);
  });

  it('ignores a slice too small to say what a full one costs', () => {
    const sizer = new SliceSizer(limits);
    sizer.took(3, 40);
    expect(sizer.rows).toBe(500);
  });

  it('keeps a fixed size when its target is unbounded and its bounds meet', () => {
    const sizer = new SliceSizer({ targetMs: Infinity, min: 100_000, max: 100_000, start: 100_000 });
    sizer.took(100_000, 3_000);
    expect(sizer.rows).toBe(100_000);
  });
});
