import { describe, expect, it } from 'vitest';
import { ipKey, isDocumentation, isReserved, normalizeIp, parseCidr, parseIp } from '../../packages/collector/src/resolve/ip.js';

describe('parseIp', () => {
  it('parses dotted IPv4 into four bytes', () => {
    expect(parseIp('192.0.2.1')).toEqual({ version: 4, bytes: new Uint8Array([192, 0, 2, 1]) });
    expect(parseIp('0.0.0.0')).toEqual({ version: 4, bytes: new Uint8Array([0, 0, 0, 0]) });
    expect(parseIp('255.255.255.255')).toEqual({ version: 4, bytes: new Uint8Array([255, 255, 255, 255]) });
  });

  it('parses IPv6 with and without compression into sixteen bytes', () => {
    const full = parseIp('2001:0db8:0000:0000:0000:0000:0000:0001');
    expect(full?.version).toBe(6);
    expect(Array.from(full!.bytes)).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIp('2001:db8::1')).toEqual(full);
    expect(Array.from(parseIp('::')!.bytes)).toEqual(new Array(16).fill(0));
    expect(Array.from(parseIp('::1')!.bytes)).toEqual([...new Array(15).fill(0), 1]);
    expect(Array.from(parseIp('FE80::ABCD')!.bytes.slice(14))).toEqual([0xab, 0xcd]);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(parseIp('::ffff:1.2.3.4')).toEqual({ version: 4, bytes: new Uint8Array([1, 2, 3, 4]) });
    expect(parseIp('::ffff:0102:0304')).toEqual({ version: 4, bytes: new Uint8Array([1, 2, 3, 4]) });
    expect(parseIp('0:0:0:0:0:ffff:1.2.3.4')).toEqual({ version: 4, bytes: new Uint8Array([1, 2, 3, 4]) });
  });

  it('keeps an embedded IPv4 tail in other IPv6 addresses', () => {
    expect(Array.from(parseIp('64:ff9b::192.0.2.33')!.bytes.slice(12))).toEqual([192, 0, 2, 33]);
    expect(parseIp('64:ff9b::192.0.2.33')!.version).toBe(6);
  });

  it('rejects garbage, leading zeros, zones, brackets, ports and out-of-range parts', () => {
    for (const bad of [
      '',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.04',
      '1..2.3',
      '1.2.3.4:80',
      '0x7f.0.0.1',
      'fe80::1%eth0',
      '[::1]',
      '1::2::3',
      ':::',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '12345::',
      'g::1',
      '1.2.3.4::',
      '::1.2.3',
      ':1::',
      '1::2:',
      'localhost',
      'x'.repeat(100),
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it('rejects non-string input without throwing', () => {
    expect(parseIp(undefined as unknown as string)).toBeNull();
    expect(parseIp(42 as unknown as string)).toBeNull();
  });
});

describe('normalizeIp', () => {
  it('gives dotted IPv4 unchanged', () => {
    expect(normalizeIp('8.8.8.8')).toBe('8.8.8.8');
  });

  it('compresses IPv6 per RFC 5952: lowercase, no leading zeros, longest zero run', () => {
    expect(normalizeIp('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(normalizeIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(normalizeIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(normalizeIp('0:0:0:0:0:0:0:0')).toBe('::');
    expect(normalizeIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(normalizeIp('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(normalizeIp('2001:db8:0:0:1:0:0:0')).toBe('2001:db8:0:0:1::');
  });

  it('turns IPv4-mapped IPv6 into dotted IPv4', () => {
    expect(normalizeIp('::FFFF:203.0.113.7')).toBe('203.0.113.7');
  });

  it('returns null for invalid text', () => {
    expect(normalizeIp('nope')).toBeNull();
  });
});

describe('ipKey', () => {
  it('is the 16-byte form in 32 lowercase hex chars, IPv4 as ::ffff:a.b.c.d', () => {
    expect(ipKey('192.0.2.1')).toBe('00000000000000000000ffffc0000201');
    expect(ipKey('::ffff:192.0.2.1')).toBe('00000000000000000000ffffc0000201');
    expect(ipKey('2001:db8::1')).toBe('20010db8000000000000000000000001');
    expect(ipKey('2001:DB8::A')).toBe('20010db800000000000000000000000a');
    expect(ipKey('bad')).toBeNull();
  });

  it('orders keys like addresses when compared as strings', () => {
    const sorted = ['1.2.3.4', '9.0.0.0', '10.0.0.0', '192.0.2.1', '2001:db8::1', '::1'].map((t) => ipKey(t)!).sort();
    expect(sorted).toEqual([
      '00000000000000000000000000000001',
      '00000000000000000000ffff01020304',
      '00000000000000000000ffff09000000',
      '00000000000000000000ffff0a000000',
      '00000000000000000000ffffc0000201',
      '20010db8000000000000000000000001',
    ]);
  });
});

describe('parseCidr', () => {
  it('gives the first and last key of an IPv4 range and the prefix as written', () => {
    expect(parseCidr('198.51.100.0/24')).toEqual({
      lo: '00000000000000000000ffffc6336400',
      hi: '00000000000000000000ffffc63364ff',
      prefix: 24,
    });
    expect(parseCidr('0.0.0.0/0')).toEqual({
      lo: '00000000000000000000ffff00000000',
      hi: '00000000000000000000ffffffffffff',
      prefix: 0,
    });
  });

  it('accepts a single address as a one-address range', () => {
    expect(parseCidr('192.0.2.5')).toEqual({
      lo: '00000000000000000000ffffc0000205',
      hi: '00000000000000000000ffffc0000205',
      prefix: 32,
    });
    expect(parseCidr('2001:db8::5')).toEqual({
      lo: '20010db8000000000000000000000005',
      hi: '20010db8000000000000000000000005',
      prefix: 128,
    });
  });

  it('clears host bits below the prefix', () => {
    expect(parseCidr('192.0.2.77/25')).toEqual({
      lo: '00000000000000000000ffffc0000200',
      hi: '00000000000000000000ffffc000027f',
      prefix: 25,
    });
  });

  it('handles IPv6 prefixes that do not end on a byte', () => {
    expect(parseCidr('2001:db8::/29')).toEqual({
      lo: '20010db8000000000000000000000000',
      hi: '20010dbfffffffffffffffffffffffff',
      prefix: 29,
    });
    expect(parseCidr('2001:db8::/32')).toEqual({
      lo: '20010db8000000000000000000000000',
      hi: '20010db8ffffffffffffffffffffffff',
      prefix: 32,
    });
  });

  it('rejects bad prefixes and bad addresses', () => {
    for (const bad of ['192.0.2.0/33', '192.0.2.0/', '192.0.2.0/-1', '192.0.2.0/08', '2001:db8::/129', 'x/8', '1.2.3.4/2/3']) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });
});

describe('isReserved and isDocumentation', () => {
  it('flags private, loopback, link-local, CGNAT, multicast and reserved IPv4', () => {
    for (const ip of [
      '0.1.2.3',
      '10.0.0.1',
      '100.64.0.1',
      '100.127.255.255',
      '127.0.0.1',
      '169.254.1.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.0.0.8',
      '192.88.99.1',
      '192.168.1.1',
      '198.18.0.1',
      '198.19.255.255',
      '224.0.0.1',
      '239.255.255.250',
      '240.0.0.1',
      '255.255.255.255',
      '::ffff:10.1.2.3',
    ]) {
      expect(isReserved(ip), ip).toBe(true);
    }
  });

  it('passes public IPv4 next to the reserved blocks', () => {
    for (const ip of [
      '1.1.1.1',
      '8.8.8.8',
      '100.63.255.255',
      '100.128.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '169.253.1.1',
      '192.0.1.1',
      '192.169.0.1',
      '198.17.255.255',
      '198.20.0.0',
      '223.255.255.255',
    ]) {
      expect(isReserved(ip), ip).toBe(false);
    }
  });

  it('flags IPv6 outside global unicast and the special blocks inside it', () => {
    for (const ip of [
      '::',
      '::1',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '64:ff9b::1.2.3.4',
      '100::1',
      '2001::1',
      '2001:1ff::1',
      '2002:c000:0201::1',
      '::1.2.3.4',
    ]) {
      expect(isReserved(ip), ip).toBe(true);
    }
    for (const ip of ['2001:4860:4860::8888', '2a00:1450:4001::1', '2600::1', '2001:200::1']) {
      expect(isReserved(ip), ip).toBe(false);
    }
  });

  it('treats the documentation ranges as documentation and not as reserved', () => {
    for (const ip of ['192.0.2.1', '198.51.100.200', '203.0.113.42', '2001:db8::1', '3fff::1', '3fff:fff::1']) {
      expect(isDocumentation(ip), ip).toBe(true);
      expect(isReserved(ip), ip).toBe(false);
    }
    for (const ip of ['192.0.3.1', '198.51.101.1', '203.0.114.1', '2001:db9::1', '8.8.8.8', '10.0.0.1']) {
      expect(isDocumentation(ip), ip).toBe(false);
    }
  });

  it('answers false for invalid text', () => {
    expect(isReserved('nope')).toBe(false);
    expect(isDocumentation('nope')).toBe(false);
  });
});
