import { describe, expect, it } from 'vitest';
import { ResultCache } from '../../packages/collector/src/resolve/result-cache.js';

function clocked(max: number, ttlMs: number) {
  let t = 1_000;
  const cache = new ResultCache<string>(max, ttlMs, () => t);
  return { cache, advance: (ms: number) => (t += ms) };
}

describe('ResultCache', () => {
  it('returns what was set, per site and key', () => {
    const { cache } = clocked(10, 60_000);
    cache.set('s1', '192.0.2.1', 'a');
    cache.set('s2', '192.0.2.1', 'b');
    expect(cache.get('s1', '192.0.2.1')).toBe('a');
    expect(cache.get('s2', '192.0.2.1')).toBe('b');
    expect(cache.get('s3', '192.0.2.1')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('misses once the TTL has passed, and not a millisecond before', () => {
    const { cache, advance } = clocked(10, 60_000);
    cache.set('s', 'k', 'v');
    advance(59_999);
    expect(cache.get('s', 'k')).toBe('v');
    advance(1);
    expect(cache.get('s', 'k')).toBeUndefined();
  });

  it('drops one site without touching the others', () => {
    const { cache } = clocked(10, 60_000);
    cache.set('s1', 'k', 'a');
    cache.set('s2', 'k', 'b');
    cache.deleteSite('s1');
    expect(cache.get('s1', 'k')).toBeUndefined();
    expect(cache.get('s2', 'k')).toBe('b');
    expect(cache.size).toBe(1);
  });

  it('holds at most max entries, dropping the oldest generation whole', () => {
    const { cache } = clocked(4, 60_000);
    for (const k of ['a', 'b', 'c', 'd', 'e']) cache.set('s', k, k);
    // Generations of max/2 = 2: {a,b} was dropped when {e} started after {c,d}.
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => cache.get('s', k) ?? '-')).toEqual(['-', '-', 'c', 'd', 'e']);
  });

  it('keeps an entry in use alive by promoting it from the previous generation', () => {
    const { cache } = clocked(4, 60_000);
    cache.set('s', 'a', 'a');
    cache.set('s', 'b', 'b');
    cache.set('s', 'c', 'c'); // {a,b} is now the previous generation
    expect(cache.get('s', 'a')).toBe('a'); // promoted into {c,a}
    cache.set('s', 'd', 'd'); // {c,a} becomes previous; {b} is gone
    expect(cache.get('s', 'a')).toBe('a');
    expect(cache.get('s', 'b')).toBeUndefined();
  });

  it('empties on clear', () => {
    const { cache } = clocked(10, 60_000);
    cache.set('s', 'k', 'v');
    cache.clear();
    expect(cache.get('s', 'k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
