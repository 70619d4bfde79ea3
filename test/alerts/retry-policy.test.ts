import { describe, expect, it } from 'vitest';
import { afterFailure, disableReason, retryAfterMs, retryDelayMs } from '../../packages/collector/src/alerts/retry-policy.js';

const hour = 3_600_000;

describe('the retry policy', () => {
  it('waits 30 s after the first failure, doubling each time, drawn between the step and twice it', () => {
    expect(retryDelayMs(1, 0)).toBe(30_000);
    expect(retryDelayMs(1, 0.5)).toBe(45_000);
    expect(retryDelayMs(1, 0.999)).toBe(59_970);
    expect(retryDelayMs(2, 0)).toBe(60_000);
    expect(retryDelayMs(3, 0.25)).toBe(150_000);
  });

  it('never waits more than 6 hours, however many attempts failed', () => {
    expect(retryDelayMs(10, 0)).toBe(15_360_000);
    expect(retryDelayMs(10, 0.5)).toBe(6 * hour);
    expect(retryDelayMs(11, 0)).toBe(6 * hour);
    expect(retryDelayMs(500, 0.9)).toBe(6 * hour);
  });

  it('keeps retrying for 72 hours from the first attempt, then gives up', () => {
    expect(afterFailure({ failedAttempts: 20, retryFrom: 0, nowMs: 72 * hour - 1, random: 0, retryAfterMs: null })).toEqual({
      status: 'pending',
      nextAttemptAt: 78 * hour - 1,
    });
    expect(afterFailure({ failedAttempts: 20, retryFrom: 0, nowMs: 72 * hour, random: 0, retryAfterMs: null })).toEqual({ status: 'failed' });
    expect(afterFailure({ failedAttempts: 1, retryFrom: 1_000, nowMs: 2_000, random: 0, retryAfterMs: null })).toEqual({ status: 'pending', nextAttemptAt: 32_000 });
  });

  it('spreads attempts over at least 72 hours when every attempt fails', () => {
    let now = 0;
    let failed = 0;
    for (;;) {
      failed += 1;
      const next = afterFailure({ failedAttempts: failed, retryFrom: 0, nowMs: now, random: 1, retryAfterMs: null });
      if (next.status === 'failed') break;
      now = next.nextAttemptAt;
    }
    expect(now).toBeGreaterThanOrEqual(72 * hour);
    // 1, 2, 4 ... 256 minutes (8.5 hours), then 6-hourly until 72 hours have passed.
    expect(failed).toBe(21);
  });

  it('waits what the receiver asked for in Retry-After, in seconds or as a date, capped at 6 hours', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs(' 0 ', 0)).toBe(0);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T07:27:50Z'))).toBe(10_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-22T00:00:00Z'))).toBe(0);
    expect(retryAfterMs('9999999', 0)).toBe(6 * hour);
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect(retryAfterMs(undefined, 0)).toBeNull();
    expect(afterFailure({ failedAttempts: 1, retryFrom: 0, nowMs: 1_000, random: 0, retryAfterMs: 5_000 })).toEqual({ status: 'pending', nextAttemptAt: 6_000 });
  });

  it('turns an endpoint off at once on 410, and after 3 days of nothing but failures', () => {
    expect(disableReason({ statusCode: 410, failingSince: 0, nowMs: 0 })).toBe('The endpoint answered 410 Gone at 1970-01-01T00:00:00.000Z');
    expect(disableReason({ statusCode: 500, failingSince: 0, nowMs: 72 * hour - 1 })).toBeNull();
    expect(disableReason({ statusCode: null, failingSince: 0, nowMs: 72 * hour })).toBe('Every delivery failed for 3 days, since 1970-01-01T00:00:00.000Z');
  });
});
