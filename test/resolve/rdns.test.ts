import { describe, expect, it } from 'vitest';
import { RdnsCache } from '../../packages/collector/src/resolve/rdns.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('RdnsCache', () => {
  it('answers pending at once, looks up only once, then answers from the cache', async () => {
    const d = deferred<string[]>();
    const calls: string[] = [];
    const rdns = new RdnsCache({ lookup: (ip) => (calls.push(ip), d.promise), timeoutMs: 1000, ttlMs: 60_000, max: 10, maxInFlight: 10 });
    expect(rdns.get('192.0.2.1')).toEqual({ state: 'pending' });
    expect(rdns.get('192.0.2.1')).toEqual({ state: 'pending' });
    d.resolve(['gw.example.com']);
    await tick();
    expect(rdns.get('192.0.2.1')).toEqual({ state: 'done', names: ['gw.example.com'] });
    expect(calls).toEqual(['192.0.2.1']);
    expect(rdns.lookups).toBe(1);
  });

  it('caches "no names" after a timeout and ignores a late answer', async () => {
    const d = deferred<string[]>();
    const rdns = new RdnsCache({ lookup: () => d.promise, timeoutMs: 5, ttlMs: 60_000, max: 10, maxInFlight: 10 });
    rdns.get('192.0.2.2');
    await new Promise((r) => setTimeout(r, 30));
    expect(rdns.get('192.0.2.2')).toEqual({ state: 'done', names: [] });
    expect(rdns.timeouts).toBe(1);
    d.resolve(['late.example.com']);
    await tick();
    expect(rdns.get('192.0.2.2')).toEqual({ state: 'done', names: [] });
  });

  it('caches "no names" when the lookup fails or throws', async () => {
    const rdns = new RdnsCache({
      lookup: (ip) => {
        if (ip === '192.0.2.4') throw new Error('sync');
        return Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
      },
      timeoutMs: 1000,
      ttlMs: 60_000,
      max: 10,
      maxInFlight: 10,
    });
    rdns.get('192.0.2.3');
    rdns.get('192.0.2.4');
    await tick();
    expect(rdns.get('192.0.2.3')).toEqual({ state: 'done', names: [] });
    expect(rdns.get('192.0.2.4')).toEqual({ state: 'done', names: [] });
    expect(rdns.failures).toBe(2);
  });

  it('skips new lookups while too many are in flight', () => {
    const rdns = new RdnsCache({ lookup: () => new Promise(() => {}), timeoutMs: 60_000, ttlMs: 60_000, max: 10, maxInFlight: 2 });
    expect(rdns.get('192.0.2.1').state).toBe('pending');
    expect(rdns.get('192.0.2.2').state).toBe('pending');
    expect(rdns.get('192.0.2.3')).toEqual({ state: 'skipped' });
    expect(rdns.lookups).toBe(2);
  });

  it('looks up again once the answer has expired', async () => {
    let t = 1_000; // lru-cache treats a start time of 0 as "no TTL"
    let n = 0;
    const rdns = new RdnsCache({ lookup: async () => [`n${++n}.example.com`], timeoutMs: 1000, ttlMs: 100, max: 10, maxInFlight: 10, now: () => t });
    rdns.get('192.0.2.9');
    await tick();
    expect(rdns.get('192.0.2.9')).toEqual({ state: 'done', names: ['n1.example.com'] });
    t += 101;
    expect(rdns.get('192.0.2.9')).toEqual({ state: 'pending' });
    await tick();
    expect(rdns.get('192.0.2.9')).toEqual({ state: 'done', names: ['n2.example.com'] });
  });
});
