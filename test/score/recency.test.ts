import { describe, expect, it } from 'vitest';
import { recencyFactor, recencyPoints } from '../../packages/collector/src/score/recency.js';
import { DAY_MS, NOW } from './fixtures.js';

describe('recency', () => {
  it('keeps everything for a company seen right now', () => {
    expect(recencyFactor(NOW, NOW, 14)).toBe(1);
  });

  it('halves exactly at the half-life and quarters at twice it', () => {
    expect(recencyFactor(NOW - 14 * DAY_MS, NOW, 14)).toBe(0.5);
    expect(recencyFactor(NOW - 28 * DAY_MS, NOW, 14)).toBe(0.25);
    expect(recencyFactor(NOW - 7 * DAY_MS, NOW, 7)).toBe(0.5);
  });

  it('decays a three-month-old visit to about one percent', () => {
    expect(recencyFactor(NOW - 90 * DAY_MS, NOW, 14)).toBeCloseTo(0.011609330383882408, 15);
  });

  it('treats a last-seen time in the future as now', () => {
    expect(recencyFactor(NOW + DAY_MS, NOW, 14)).toBe(1);
  });

  it('treats a missing last-seen time as long gone', () => {
    expect(recencyFactor(Number.NaN, NOW, 14)).toBe(0);
  });

  it('reports what time took away as non-positive points with the facts behind them', () => {
    expect(recencyPoints(NOW - 14 * DAY_MS, NOW, { halfLifeDays: 14 }, 64)).toEqual({
      factor: 0.5,
      points: -32,
      max: 0,
      facts: { lastSeenMs: NOW - 14 * DAY_MS, daysSinceLastSeen: 14, halfLifeDays: 14, factor: 0.5 },
    });
  });
});
