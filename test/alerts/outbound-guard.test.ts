import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultOfAnswer } from '../../packages/collector/src/alerts/http-answer.js';
import { addressRefusal } from '../../packages/collector/src/http/address-rules.js';
import { checkOutboundUrl, OutboundError, safeRequest, type Resolve } from '../../packages/collector/src/http/outbound-guard.js';
import { startReceiver, type Receiver } from './receiver.js';

const strict = { allowPrivate: false };
const post = { method: 'POST' as const, headers: { 'Content-Type': 'application/json' }, body: '{}' };

/** A resolver that answers these addresses for every name, as a rebinding DNS server would at delivery time. */
const resolvingTo =
  (...addresses: string[]): Resolve =>
  (_host, _options, callback) =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

const refusal = (url: string) => {
  const verdict = checkOutboundUrl(url, strict);
  return verdict.ok ? null : verdict.reason;
};

describe('the outbound address rules', () => {
  it('names why each non-public address is refused', () => {
    expect(addressRefusal('127.0.0.1')).toBe('a loopback address');
    expect(addressRefusal('10.20.30.40')).toBe('a private address');
    expect(addressRefusal('172.31.255.255')).toBe('a private address');
    expect(addressRefusal('192.168.1.1')).toBe('a private address');
    expect(addressRefusal('169.254.169.254')).toBe('a link-local address');
    expect(addressRefusal('100.64.0.1')).toBe('a shared (CGNAT) address');
    expect(addressRefusal('100.127.255.255')).toBe('a shared (CGNAT) address');
    expect(addressRefusal('0.0.0.0')).toBe('an unspecified address');
    expect(addressRefusal('224.0.0.251')).toBe('a multicast address');
    expect(addressRefusal('255.255.255.255')).toBe('a reserved address');
    expect(addressRefusal('198.18.0.1')).toBe('a reserved address');
    expect(addressRefusal('::')).toBe('an unspecified address');
    expect(addressRefusal('::1')).toBe('a loopback address');
    expect(addressRefusal('::ffff:127.0.0.1')).toBe('an IPv4-mapped IPv6 address');
    expect(addressRefusal('::ffff:8.8.8.8')).toBe('an IPv4-mapped IPv6 address');
    expect(addressRefusal('64:ff9b::a00:1')).toBe('an IPv6 address that embeds an IPv4 address');
    expect(addressRefusal('fc00::1')).toBe('a unique local (private) address');
    expect(addressRefusal('fd12:3456::1')).toBe('a unique local (private) address');
    expect(addressRefusal('fe80::1')).toBe('a link-local address');
    expect(addressRefusal('ff02::1')).toBe('a multicast address');
    expect(addressRefusal('2001:db8::1')).toBe('a reserved address');
    expect(addressRefusal('4000::1')).toBe('a reserved address');
    expect(addressRefusal('not-an-ip')).toBe('not an IP address');
  });

  it('lets public unicast addresses through', () => {
    for (const address of ['8.8.8.8', '93.184.216.34', '100.63.255.255', '100.128.0.1', '172.32.0.1', '2606:4700:4700::1111', '[2a00:1450::1]']) {
      expect(addressRefusal(address), address).toBeNull();
    }
  });
});

describe('the outbound URL check', () => {
  it('refuses localhost, loopback, private, link-local and mapped addresses, in every spelling', () => {
    expect(refusal('https://localhost/hook')).toBe('must not point to a loopback address');
    expect(refusal('https://api.localhost/hook')).toBe('must not point to a loopback address');
    expect(refusal('https://127.0.0.1/hook')).toBe('must not point to a loopback address');
    expect(refusal('https://[::1]/hook')).toBe('must not point to a loopback address');
    expect(refusal('https://[::ffff:127.0.0.1]/hook')).toBe('must not point to an IPv4-mapped IPv6 address');
    expect(refusal('https://10.0.0.8/hook')).toBe('must not point to a private address');
    expect(refusal('https://169.254.169.254/latest/meta-data/')).toBe('must not point to a link-local address');
    expect(refusal('https://100.64.1.1/')).toBe('must not point to a shared (CGNAT) address');
    expect(refusal('https://[fd00::1]/')).toBe('must not point to a unique local (private) address');
    expect(refusal('https://intranet/hook')).toBe('must name a public host (a single-label name is local)');
  });

  it('refuses hosts written as numbers (integer, octal, hex), which the URL parser turns into 127.0.0.1', () => {
    expect(refusal('http://2130706433/')).toBe('must be an https:// URL');
    expect(refusal('https://2130706433/')).toBe('must not give its host as a number; write the host name');
    expect(refusal('https://0x7f.1/')).toBe('must not give its host as a number; write the host name');
    expect(refusal('https://017700000001/')).toBe('must not give its host as a number; write the host name');
    expect(refusal('https://0x08080808/')).toBe('must not give its host as a number; write the host name');
  });

  it('refuses plain http, other schemes, credentials and text that is not a URL', () => {
    expect(refusal('http://hooks.example.com/x')).toBe('must be an https:// URL');
    expect(refusal('ftp://hooks.example.com/x')).toBe('must be an https:// URL');
    expect(refusal('https://user:pw@hooks.example.com/x')).toBe('must not contain a user name or password');
    expect(refusal('not a url')).toBe('is not a URL');
  });

  it('accepts https URLs on public names and addresses', () => {
    expect(refusal('https://hooks.slack.com/services/T000/B000/XXXX')).toBeNull();
    expect(refusal('https://8.8.8.8/hook')).toBeNull();
    expect(refusal('https://[2606:4700:4700::1111]:8443/hook')).toBeNull();
  });

  it('lets CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS through plain http and loopback, for local testing', () => {
    expect(checkOutboundUrl('http://127.0.0.1:9999/hook', { allowPrivate: true }).ok).toBe(true);
    expect(checkOutboundUrl('ftp://127.0.0.1/hook', { allowPrivate: true }).ok).toBe(false);
  });
});

describe('a guarded request', () => {
  let target: Receiver;
  let redirecting: Receiver;
  beforeAll(async () => {
    target = await startReceiver();
    redirecting = await startReceiver((_req, res) => res.writeHead(302, { Location: `${target.url}/internal` }).end());
  });
  afterAll(async () => {
    await target.close();
    await redirecting.close();
  });

  it('refuses a name that resolves to a private address only at delivery (DNS rebinding), before connecting', async () => {
    expect(checkOutboundUrl('https://rebind.example.com/hook', strict).ok).toBe(true);
    const attempt = safeRequest('https://rebind.example.com/hook', post, { ...strict, resolve: resolvingTo('10.0.0.7') });
    await expect(attempt).rejects.toThrow(OutboundError);
    await expect(attempt).rejects.toThrow('the host name resolves to a private address');
    await expect(safeRequest('https://rebind.example.com/hook', post, { ...strict, resolve: resolvingTo('8.8.8.8', '127.0.0.1') })).rejects.toThrow(
      'resolves to a loopback address',
    );
  });

  it('refuses a literal private address without resolving anything', async () => {
    for (const url of ['https://127.0.0.1/', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/', 'https://10.1.2.3/', 'https://169.254.169.254/', 'https://2130706433/']) {
      await expect(safeRequest(url, post, { ...strict, resolve: resolvingTo('8.8.8.8') }), url).rejects.toThrow(OutboundError);
    }
  });

  it('follows no redirect: a 302 to a private address is a failed attempt and the address is never called', async () => {
    const before = target.received.length;
    const answer = await safeRequest(`${redirecting.url}/hook`, post, { allowPrivate: true });
    expect(answer.status).toBe(302);
    expect(resultOfAnswer(answer, 0)).toEqual({ ok: false, statusCode: 302, error: 'The receiver answered 302; redirects are not followed', retryAfterMs: null });
    expect(target.received.length).toBe(before);
  });

  it('reads at most 64 KB of an answer', async () => {
    const big = await startReceiver((_req, res) => res.end('x'.repeat(1_000_000)));
    try {
      const answer = await safeRequest(big.url, post, { allowPrivate: true });
      expect(answer.status).toBe(200);
      expect(answer.body.length).toBe(64 * 1024);
    } finally {
      await big.close();
    }
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const silent = await startReceiver(() => undefined);
    try {
      await expect(safeRequest(silent.url, post, { allowPrivate: true, timeoutMs: 300 })).rejects.toMatchObject({ kind: 'timeout' });
    } finally {
      await silent.close();
    }
  });
});
