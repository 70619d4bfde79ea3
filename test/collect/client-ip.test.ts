import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp } from '../../packages/collector/src/http/client-ip.js';

const request = (forwardedFor: string | string[] | undefined, remoteAddress = '::ffff:10.0.0.9') =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('the client address', () => {
  it('is the socket address unless proxies are trusted, without the IPv4-mapped prefix', () => {
    expect(clientIp(request('203.0.113.7'), 0)).toBe('10.0.0.9');
    expect(clientIp(request(undefined), 1)).toBe('10.0.0.9');
    expect(clientIp(request(''), 1)).toBe('10.0.0.9');
  });

  it('is the entry as many hops from the right of X-Forwarded-For as proxies are trusted', () => {
    expect(clientIp(request('198.51.100.1'), 1)).toBe('198.51.100.1');
    expect(clientIp(request('1.1.1.1, 198.51.100.1,203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientIp(request('1.1.1.1, 198.51.100.1,203.0.113.7'), 2)).toBe('198.51.100.1');
    expect(clientIp(request(['1.1.1.1', '198.51.100.1']), 1)).toBe('198.51.100.1');
  });

  it('skips empty entries, takes the leftmost when there are fewer than the hops, and strips ports', () => {
    expect(clientIp(request(' 198.51.100.1 , , '), 1)).toBe('198.51.100.1');
    expect(clientIp(request(',,198.51.100.1'), 3)).toBe('198.51.100.1');
    expect(clientIp(request(', ,'), 1)).toBe('10.0.0.9');
    expect(clientIp(request('203.0.113.7:8080'), 1)).toBe('203.0.113.7');
    expect(clientIp(request('[2001:db8::1]:443'), 1)).toBe('2001:db8::1');
    expect(clientIp(request('2001:db8::1'), 1)).toBe('2001:db8::1');
    expect(clientIp(request('::ffff:198.51.100.1'), 1)).toBe('198.51.100.1');
  });
});
