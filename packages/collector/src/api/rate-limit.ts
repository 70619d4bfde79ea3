/**
 * In-memory fixed-window rate limits: each bucket (an API key and endpoint
 * class, or a site for the webhook) may make `limit` requests per window of
 * one minute, the window aligned to the clock minute so X-RateLimit-Reset is
 * the same for every bucket and easy to reason about. A fixed window is the
 * simplest rule that clients can predict from the headers; its known cost is
 * that a client may spend two windows' worth around a boundary.
 * One process, one memory: limits restart with the server, and several
 * collectors behind a balancer each count their own.
 */
export const windowMs = 60_000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** End of the current window, Unix seconds. */
  resetSeconds: number;
  /** Seconds until the window ends, at least 1 (for Retry-After). */
  retryAfterSeconds: number;
}

export function createRateLimiter(now: () => number) {
  const buckets = new Map<string, { window: number; count: number }>();
  return {
    /** Counts one request against `bucket` and says whether it may go ahead. limit 0 = unlimited (null). */
    hit(bucket: string, limit: number): RateDecision | null {
      if (limit <= 0) return null;
      const t = now();
      const window = Math.floor(t / windowMs);
      let entry = buckets.get(bucket);
      if (!entry || entry.window !== window) {
        // Stale buckets are dropped in bulk now and then, so memory follows the active keys.
        if (buckets.size > 10_000) for (const [key, value] of buckets) if (value.window !== window) buckets.delete(key);
        entry = { window, count: 0 };
        buckets.set(bucket, entry);
      }
      const end = (window + 1) * windowMs;
      const allowed = entry.count < limit;
      // Refused requests are not counted: a client that waits for Retry-After gets its full quota.
      if (allowed) entry.count += 1;
      return {
        allowed,
        limit,
        remaining: Math.max(0, limit - entry.count),
        resetSeconds: Math.ceil(end / 1000),
        retryAfterSeconds: Math.max(1, Math.ceil((end - t) / 1000)),
      };
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(decision.resetSeconds),
  };
}
