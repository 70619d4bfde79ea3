import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCidr } from '../../packages/collector/src/resolve/ip.js';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { findIdentityDomain, putIdentityRange } from '../../packages/collector/src/store/identity.js';
import { ipKey } from '../../packages/collector/src/resolve/ip.js';

let db: Db;
const put = (siteId: string, cidr: string, companyDomain: string, source: 'ingest' | 'identify' = 'ingest') => {
  const range = parseCidr(cidr)!;
  const v4 = !cidr.includes(':');
  const prefix = cidr.includes('/') ? (v4 ? range.prefix + 96 : range.prefix) : 128;
  putIdentityRange(db, { siteId, lo: range.lo, hi: range.hi, prefix, companyDomain, source }, 1);
};
const find = (siteId: string, ip: string) => findIdentityDomain(db, siteId, ipKey(ip)!);

beforeAll(() => {
  db = openDatabase(':memory:');
  put('s1', '10.0.0.0/8', 'wide.com');
  put('s1', '10.1.0.0/16', 'middle.com');
  put('s1', '10.1.2.3', 'single.com', 'identify');
  put('s1', '2001:db8::/32', 'v6wide.com');
  put('s1', '2001:db8:1::/48', 'v6narrow.com');
  put('s1', '203.0.113.7/29', 'odd.com');
  put('s2', '10.0.0.0/8', 'other-site.com');
});
afterAll(() => db.close());

describe('findIdentityDomain', () => {
  it('answers the narrowest range that holds the address', () => {
    expect(find('s1', '10.1.2.3')).toBe('single.com');
    expect(find('s1', '10.1.2.4')).toBe('middle.com');
    expect(find('s1', '10.200.0.1')).toBe('wide.com');
    expect(find('s1', '2001:db8:1::5')).toBe('v6narrow.com');
    expect(find('s1', '2001:db8:2::5')).toBe('v6wide.com');
  });

  it('finds a range written with host bits set, and nothing just outside it', () => {
    expect(find('s1', '203.0.113.0')).toBe('odd.com');
    expect(find('s1', '203.0.113.7')).toBe('odd.com');
    expect(find('s1', '203.0.113.8')).toBeNull();
  });

  it('answers null outside every range and never looks at another site', () => {
    expect(find('s1', '11.0.0.1')).toBeNull();
    expect(find('s1', 'ffff::1')).toBeNull();
    expect(find('s2', '10.1.2.3')).toBe('other-site.com');
    expect(find('s3', '10.1.2.3')).toBeNull();
  });
});
