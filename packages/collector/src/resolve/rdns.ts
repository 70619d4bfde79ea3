// Reverse-DNS lookups that never make the caller wait: the first ask starts
// a lookup in the background and answers "pending"; once it settles (or
// times out) the names are cached and later asks get them at once.

import { promises as dns } from 'node:dns';
import { LRUCache } from 'lru-cache';

export type PtrLookup = (ip: string) => Promise<string[]>;

export interface RdnsOptions {
  lookup?: PtrLookup;
  /** A lookup not settled by then counts as "no names" (cached like a miss). */
  timeoutMs: number;
  /** How long names (or their absence) are kept. */
  ttlMs: number;
  max: number;
  /** At most this many lookups in flight; past it, asks are answered "none" and not cached. */
  maxInFlight: number;
  now?: () => number;
  /** Called when a lookup settles, with the address (the resolver drops its cached answers for it). */
  onSettled?: (ip: string) => void;
}

export type RdnsAnswer = { state: 'done'; names: readonly string[] } | { state: 'pending' } | { state: 'skipped' };

const NONE: readonly string[] = Object.freeze([]);

export class RdnsCache {
  private readonly lookup: PtrLookup;
  private readonly cache: LRUCache<string, readonly string[]>;
  private readonly inFlight = new Set<string>();
  lookups = 0;
  timeouts = 0;
  failures = 0;

  constructor(private readonly opts: RdnsOptions) {
    this.lookup = opts.lookup ?? ((ip) => dns.reverse(ip));
    const now = opts.now;
    this.cache = new LRUCache<string, readonly string[]>({
      max: opts.max,
      ttl: opts.ttlMs,
      // An injected clock (tests) is read on every check: lru-cache otherwise
      // reuses one reading for ttlResolution ms.
      ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
    });
  }

  /** Names for `ip` if known; otherwise starts a lookup (once) and says so. Never waits. */
  get(ip: string): RdnsAnswer {
    const names = this.cache.get(ip);
    if (names !== undefined) return { state: 'done', names };
    if (this.inFlight.has(ip)) return { state: 'pending' };
    // Flood guard: a burst of new addresses must not open thousands of sockets.
    if (this.inFlight.size >= this.opts.maxInFlight) return { state: 'skipped' };
    this.start(ip);
    return { state: 'pending' };
  }

  isPending(ip: string): boolean {
    return this.inFlight.has(ip);
  }

  clear(): void {
    this.cache.clear();
  }

  private start(ip: string): void {
    this.inFlight.add(ip);
    this.lookups++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.opts.timeoutMs);
      // A pending lookup must not keep the process alive at shutdown.
      timer.unref?.();
    });
    let attempt: Promise<readonly string[]>;
    try {
      attempt = Promise.resolve(this.lookup(ip));
    } catch (err) {
      attempt = Promise.reject(err);
    }
    // Not awaited on purpose: resolve() never waits on the network. The chain handles the lookup's own failure.
    void Promise.race([attempt, timeout])
      .then(
        (result) => {
          if (result === 'timeout') {
            this.timeouts++;
            return NONE;
          }
          // Bound what one answer can hold: a PTR set is a handful of names.
          return Array.isArray(result) ? result.filter((n) => typeof n === 'string').slice(0, 8) : NONE;
        },
        () => {
          // NXDOMAIN, SERVFAIL, refused: all mean "no usable name" for us.
          this.failures++;
          return NONE;
        },
      )
      .then((names) => {
        clearTimeout(timer);
        this.cache.set(ip, names);
        this.inFlight.delete(ip);
        this.opts.onSettled?.(ip);
      });
    // A lookup that settles after its timeout is ignored: the race already cached "none".
    attempt.catch(() => {});
  }
}
