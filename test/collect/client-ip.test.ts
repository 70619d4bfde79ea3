import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../packages/collector/src/config.js';
import { clientIp, trustedProxies } from '../../packages/collector/src/http/client-ip.js';

const request = (forwardedFor: string | string[] | undefined, remoteAddress = '::ffff:10.0.0.9') =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

const hops = (n: number) => trustedProxies({ hops: n, proxies: [] });
const proxies = (value: string) => trustedProxies(loadConfig({ CLEARVIEW_TRUST_PROXY: value }).trustProxy);

describe('the client address', () => {
  it('is the socket address unless proxies are trusted, without the IPv4-mapped prefix', () => {
    expect(clientIp(request('203.0.113.7'), hops(0))).toBe('10.0.0.9');
    expect(clientIp(request(undefined), hops(1))).toBe('10.0.0.9');
    expect(clientIp(request(''), hops(1))).toBe('10.0.0.9');
  });

  it('is the entry as many hops from the right of X-Forwarded-For as proxies are trusted', () => {
    expect(clientIp(request('198.51.100.1'), hops(1))).toBe('198.51.100.1');
    expect(clientIp(request('1.1.1.1, 198.51.100.1,203.0.113.7'), hops(1))).toBe('203.0.113.7');
    expect(clientIp(request('1.1.1.1, 198.51.100.1,203.0.113.7'), hops(2))).toBe('198.51.100.1');
    expect(clientIp(request(['1.1.1.1', '198.51.100.1']), hops(1))).toBe('198.51.100.1');
  });

  it('skips empty entries, takes the leftmost when there are fewer than the hops, and strips ports', () => {
    expect(clientIp(request(' 198.51.100.1 , , '), hops(1))).toBe('198.51.100.1');
    expect(clientIp(request(',,198.51.100.1'), hops(3))).toBe('198.51.100.1');
    expect(clientIp(request(', ,'), hops(1))).toBe('10.0.0.9');
    expect(clientIp(request('203.0.113.7:8080'), hops(1))).toBe('203.0.113.7');
    expect(clientIp(request('[2001:db8::1]:443'), hops(1))).toBe('2001:db8::1');
    expect(clientIp(request('2001:db8::1'), hops(1))).toBe('2001:db8::1');
    expect(clientIp(request('::ffff:198.51.100.1'), hops(1))).toBe('198.51.100.1');
  });

  it('ignores entries that are not IP addresses', () => {
    const forged = `<script>alert(1)</script>${'x'.repeat(12 * 1024)}`;
    expect(clientIp(request(forged), hops(1))).toBe('10.0.0.9');
    expect(clientIp(request(`198.51.100.1, ${forged}`), hops(1))).toBe('198.51.100.1');
    expect(clientIp(request('unknown, 198.51.100.1, not-an-ip'), hops(1))).toBe('198.51.100.1');
    expect(clientIp(request('999.1.1.1'), hops(1))).toBe('10.0.0.9');
  });

  it('reads X-Forwarded-For only from a named proxy, walking past the named ones', () => {
    // The request does not come from a proxy: whatever it claims, the socket address.
    expect(clientIp(request('198.51.100.1', '203.0.113.50'), proxies('10.0.0.0/8'))).toBe('203.0.113.50');
    expect(clientIp(request('198.51.100.1'), proxies('10.0.0.0/8'))).toBe('198.51.100.1');
    expect(clientIp(request('198.51.100.1, 10.1.2.3'), proxies('10.0.0.0/8'))).toBe('198.51.100.1');
    expect(clientIp(request('1.1.1.1, 198.51.100.1, 10.1.2.3'), proxies('10.0.0.0/8'))).toBe('198.51.100.1');
    expect(clientIp(request('198.51.100.1', '::1'), proxies('loopback'))).toBe('198.51.100.1');
    expect(clientIp(request('198.51.100.1', '::ffff:127.0.0.1'), proxies('loopback, 10.0.0.9'))).toBe('198.51.100.1');
    expect(clientIp(request('198.51.100.1'), proxies('10.0.0.9'))).toBe('198.51.100.1');
    expect(clientIp(request('<script>, 10.1.1.1'), proxies('10.0.0.0/8'))).toBe('10.1.1.1');
    expect(clientIp(request('2001:db8::7'), proxies('fd00::/8, 10.0.0.0/8'))).toBe('2001:db8::7');
  });

  it('refuses a CLEARVIEW_TRUST_PROXY that is neither a hop count nor addresses', () => {
    expect(loadConfig({ CLEARVIEW_TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2, proxies: [] });
    expect(loadConfig({ CLEARVIEW_TRUST_PROXY: 'true' }).trustProxy).toEqual({ hops: 1, proxies: [] });
    expect(loadConfig({}).trustProxy).toEqual({ hops: 0, proxies: [] });
    expect(loadConfig({ CLEARVIEW_TRUST_PROXY: 'loopback, 10.0.0.0/8, 2001:db8::1' }).trustProxy).toEqual({
      hops: 0,
      proxies: ['loopback', '10.0.0.0/8', '2001:db8::1'],
    });
    expect(() => loadConfig({ CLEARVIEW_TRUST_PROXY: 'my-proxy.local' })).toThrow(/my-proxy\.local/);
    expect(() => loadConfig({ CLEARVIEW_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/CLEARVIEW_TRUST_PROXY/);
  });
});
