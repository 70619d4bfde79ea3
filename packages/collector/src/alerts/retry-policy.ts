/**
 * When a failed delivery is tried again, when it is given up, and when an endpoint is
 * turned off. Pure: the clock and the random draw come in as numbers.
 */

export const firstRetryMs = 30_000;
export const maxRetryMs = 6 * 3_600_000;
/** Retries go on for at least this long after the first attempt; then the delivery is failed. */
export const retryWindowMs = 72 * 3_600_000;
/** An endpoint answering nothing but failures for this long is turned off. */
export const failingEndpointMs = 72 * 3_600_000;

/**
 * The wait after the n-th failed attempt (n from 1): 30 s doubling up to 6 hours, drawn
 * between the step and twice it (capped), so receivers that fail together do not all
 * come back at the same second.
 */
export function retryDelayMs(failedAttempts: number, random: number): number {
  const step = firstRetryMs * 2 ** Math.min(Math.max(failedAttempts - 1, 0), 20);
  return Math.round(Math.min(maxRetryMs, step * (1 + random)));
}

/** A Retry-After header (seconds or an HTTP date) as a wait in ms, capped like any wait; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | null {
  if (header === undefined) return null;
  const text = header.trim();
  if (/^\d{1,10}$/.test(text)) return Math.min(maxRetryMs, Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.min(maxRetryMs, Math.max(0, date - nowMs));
}

export type AfterFailure = { status: 'failed' } | { status: 'pending'; nextAttemptAt: number };

/**
 * After a failed attempt: give up once the retry window is over, otherwise wait the
 * backoff, or what the receiver asked for (Retry-After) when it said.
 */
export function afterFailure(input: { failedAttempts: number; retryFrom: number; nowMs: number; random: number; retryAfterMs: number | null }): AfterFailure {
  if (input.nowMs - input.retryFrom >= retryWindowMs) return { status: 'failed' };
  const wait = input.retryAfterMs ?? retryDelayMs(input.failedAttempts, input.random);
  return { status: 'pending', nextAttemptAt: input.nowMs + wait };
}

/**
 * Whether a failed attempt turns its endpoint off, and the reason shown on the endpoint.
 * 410 Gone is the receiver saying it will never want these again.
 */
export function disableReason(input: { statusCode: number | null; failingSince: number; nowMs: number }): string | null {
  if (input.statusCode === 410) return `The endpoint answered 410 Gone at ${new Date(input.nowMs).toISOString()}`;
  if (input.nowMs - input.failingSince >= failingEndpointMs) {
    return `Every delivery failed for 3 days, since ${new Date(input.failingSince).toISOString()}`;
  }
  return null;
}
