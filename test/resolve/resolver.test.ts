// The resolver end to end on the real AS and country data, with a small
// enterprise fixture so the expectations do not move with the curated list.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver, type ResolverOptions } from '../../packages/collector/src/resolve/resolver.js';
import type { NetworkKind } from '../../packages/collector/src/resolve/types.js';

const networksDir = fileURLToPath(new URL('../../packages/collector/data/networks/', import.meta.url));
const operatorFile = fileURLToPath(new URL('./fixtures/operator-enterprises.json', import.meta.url));
const countryMmdb = join(dirname(createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json')), 'geo-whois-asn-country.mmdb');

const APPLE = {
  domain: 'apple.com',
  name: 'Apple Inc.',
  industry: 'Technology',
  size: '10001+',
  employeeCount: 161000,
  revenue: '$50B+',
  country: 'US',
};
const INITECH = { domain: 'initech.com', name: 'Initech', industry: 'Software', size: '201-500', employeeCount: 300, country: 'US' };

let dataDir: string;
const make = (opts: ResolverOptions = {}) => createResolver({ dataDir, ...opts });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'clearview-resolve-'));
  cpSync(networksDir, join(dataDir, 'networks'), { recursive: true });
  mkdirSync(join(dataDir, 'enterprises'));
  writeFileSync(
    join(dataDir, 'enterprises', 'enterprises.json'),
    JSON.stringify({
      organizations: [
        { ...APPLE, asPatterns: ['^Apple Inc\\.$'] },
        { ...INITECH, asPatterns: [] },
      ],
    }),
  );
  // 7922 is Comcast, which the curated ISP file lists: the ISP verdict must win.
  writeFileSync(join(dataDir, 'enterprises', 'asn-table.json'), JSON.stringify({ asns: { '714': 'apple.com', '7922': 'comcast.com' } }));
  await make(); // loads the shared databases once for the whole file
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('networks', () => {
  it('resolves an address on a curated enterprise AS to the company with its firmographics', async () => {
    const r = await make();
    expect(r.resolve('site', '17.253.144.10')).toEqual({
      ip: '17.253.144.10',
      asn: 714,
      asOrg: 'Apple Inc.',
      country: 'US',
      region: null,
      city: null,
      networkKind: 'business',
      hostingSignal: false,
      company: APPLE,
      source: 'enterprise',
      reason: 'enterprise',
      networkRule: 'enterprise_table',
    });
  });

  it('leaves a residential ISP visitor unresolved even though the enterprise table lists its AS', async () => {
    const r = await make();
    expect(r.resolve('site', '73.22.1.5')).toEqual({
      ip: '73.22.1.5',
      asn: 7922,
      asOrg: 'Comcast Cable Communications, LLC',
      country: 'US',
      region: null,
      city: null,
      networkKind: 'isp',
      hostingSignal: false,
      company: null,
      source: null,
      reason: 'not_company',
      networkRule: 'curated:isp',
    });
  });

  const providers: [string, number, NetworkKind, boolean][] = [
    ['8.8.8.8', 15169, 'hosting', true],
    ['52.95.110.1', 16509, 'hosting', true],
    ['5.9.1.1', 24940, 'hosting', true],
    ['51.68.1.1', 16276, 'hosting', true],
    ['1.1.1.1', 13335, 'cdn', false],
    ['18.1.1.1', 3, 'education', false],
    ['49.36.1.1', 55836, 'mobile', false],
    ['2a00:1450:4001::1', 15169, 'hosting', true],
  ];
  it.each(providers)('keeps %s (AS%i, %s) unresolved, hosting signal %s', async (ip, asn, kind, signal) => {
    const r = await make();
    const res = r.resolve('site', ip);
    expect([res.asn, res.networkKind, res.hostingSignal, res.company, res.reason]).toEqual([asn, kind, signal, null, 'not_company']);
  });

  it('gives the country from the packaged database', async () => {
    const r = await make();
    expect(r.resolve('site', '8.8.8.8').country).toBe('US');
    expect(r.resolve('site', '17.253.144.10').country).toBe('US');
  });

  it('says no_match for an AS that could be a company but is in no table', async () => {
    const r = await make();
    const res = r.resolve('site', '129.42.1.1');
    expect([res.asn, res.asOrg, res.networkKind, res.networkRule, res.company, res.reason]).toEqual([14904, 'Kyndryl', 'unknown', 'no_rule', null, 'no_match']);
  });

  it('reads operator enterprise files: patterns claim ASes, but never a curated ISP', async () => {
    const r = await make({ enterpriseFiles: [operatorFile] });
    const kyndryl = r.resolve('site', '129.42.1.1');
    expect([kyndryl.source, kyndryl.company]).toEqual([
      'enterprise',
      { domain: 'kyndryl.com', name: 'Kyndryl Holdings, Inc.', industry: 'IT Services', size: '10001+', employeeCount: 80000, country: 'US' },
    ]);
    expect(r.resolve('site', '73.22.1.5').reason).toBe('not_company');
  });
});

describe('reserved and documentation addresses', () => {
  it('never resolves private, loopback, CGNAT or multicast addresses and never asks identity', async () => {
    const asked: string[] = [];
    const r = await make({ identity: (_s, key) => (asked.push(key), 'initech.com') });
    for (const ip of ['10.1.2.3', '127.0.0.1', '100.64.1.1', '192.168.0.10', '224.0.0.5', '::1', 'fe80::1', '::ffff:10.0.0.1']) {
      const res = r.resolve('site', ip);
      expect([res.reason, res.company, res.asn, res.country], ip).toEqual(['reserved', null, null, null]);
    }
    expect(asked).toEqual([]);
  });

  it('never asks identity for a site that has no identity data', async () => {
    const asked: string[] = [];
    const r = await make({ identity: (_s, key) => (asked.push(key), 'initech.com'), hasIdentity: (site) => site === 'with-data' });
    expect(r.resolve('without-data', '203.0.113.42').company).toBeNull();
    expect(r.resolve('with-data', '203.0.113.42').company?.domain).toBe('initech.com');
    expect(asked).toEqual(['00000000000000000000ffffcb00712a']);
  });

  it('lets identity data use documentation ranges but never looks them up in the AS or country data', async () => {
    const r = await make({ identity: (_s, key) => (key === '00000000000000000000ffffcb00712a' ? 'initech.com' : null) });
    // The packaged country data says AU for 203.0.113.42: it must not show.
    expect(r.resolve('site', '203.0.113.42')).toEqual({
      ip: '203.0.113.42',
      asn: null,
      asOrg: null,
      country: null,
      region: null,
      city: null,
      networkKind: 'unknown',
      hostingSignal: false,
      company: INITECH,
      source: 'identity',
      reason: 'identity',
      networkRule: 'documentation',
    });
    const other = r.resolve('site', '203.0.113.43');
    expect([other.country, other.asn, other.reason]).toEqual([null, null, 'unknown_network']);
  });

  it('answers invalid for text that is not an address', async () => {
    const r = await make();
    const res = r.resolve('site', 'not-an-ip');
    expect([res.ip, res.reason, res.company]).toEqual(['not-an-ip', 'invalid', null]);
  });
});

describe('precedence: identity, then enterprise, then reverse DNS', () => {
  it('uses identity data over the enterprise table, with the identity key of the address', async () => {
    const keys: string[] = [];
    const r = await make({ identity: (site, key) => (keys.push(`${site}:${key}`), site === 'a' ? 'https://www.Initech.com' : null) });
    const a = r.resolve('a', '17.253.144.10');
    expect([a.source, a.reason, a.company, a.asn]).toEqual(['identity', 'identity', INITECH, 714]);
    const b = r.resolve('b', '17.253.144.10');
    expect([b.source, b.company?.domain]).toEqual(['enterprise', 'apple.com']);
    expect(keys).toEqual(['a:00000000000000000000ffff11fd900a', 'b:00000000000000000000ffff11fd900a']);
  });

  it('gives a bare profile for an identity domain outside the curated table', async () => {
    const r = await make({ identity: () => 'globex.com' });
    expect(r.resolve('s', '198.51.100.7').company).toEqual({ domain: 'globex.com' });
  });

  it('uses the enterprise table without starting a reverse-DNS lookup', async () => {
    const looked: string[] = [];
    const r = await make({ rdns: { enabled: true, lookup: async (ip) => (looked.push(ip), ['gw.globex.com']), timeoutMs: 100 } });
    expect(r.resolve('s', '17.253.144.10').source).toBe('enterprise');
    await sleep(5);
    expect(r.resolve('s', '17.253.144.11').source).toBe('enterprise');
    expect(looked).toEqual([]);
  });

  it('uses identity data over reverse DNS', async () => {
    const r = await make({ identity: () => 'initech.com', rdns: { enabled: true, lookup: async () => ['gw.globex.com'], timeoutMs: 100 } });
    expect(r.resolve('s', '192.0.2.50').source).toBe('identity');
  });
});

describe('reverse DNS', () => {
  it('never blocks: the first call returns without it and a later call includes it', async () => {
    let release!: (names: string[]) => void;
    const lookup = (ip: string) => new Promise<string[]>((res) => (release = (n) => res(ip === '192.0.2.10' ? n : [])));
    const r = await make({ rdns: { enabled: true, lookup, timeoutMs: 1000 } });
    const first = r.resolve('s', '192.0.2.10');
    expect([first.company, first.source, first.reason]).toEqual([null, null, 'rdns_pending']);
    release(['gw1.nyc.example.com']);
    await sleep(0);
    const later = r.resolve('s', '192.0.2.10');
    expect([later.company, later.source, later.reason]).toEqual([{ domain: 'example.com' }, 'rdns', 'rdns']);
    // Cached from here on, for every site.
    expect(r.resolve('t', '192.0.2.10').source).toBe('rdns');
  });

  it('fills in curated firmographics for a PTR domain in the table', async () => {
    const r = await make({ rdns: { enabled: true, lookup: async () => ['vpn.lon.initech.com'], timeoutMs: 100 } });
    r.resolve('s', '192.0.2.11');
    await sleep(0);
    expect(r.resolve('s', '192.0.2.11').company).toEqual(INITECH);
  });

  it('ignores ISP-style PTR names', async () => {
    const r = await make({ rdns: { enabled: true, lookup: async () => ['pool-192-0-2-12.nycmny.fios.verizon.net', 'dynamic-12.smallisp.com'], timeoutMs: 100 } });
    r.resolve('s', '192.0.2.12');
    await sleep(0);
    const res = r.resolve('s', '192.0.2.12');
    expect([res.company, res.reason]).toEqual([null, 'unknown_network']);
  });

  it('gives up after the timeout and resolves nothing', async () => {
    const r = await make({ rdns: { enabled: true, lookup: () => new Promise(() => {}), timeoutMs: 10 } });
    expect(r.resolve('s', '192.0.2.13').reason).toBe('rdns_pending');
    await sleep(40);
    const res = r.resolve('s', '192.0.2.13');
    expect([res.company, res.reason]).toEqual([null, 'unknown_network']);
    expect(r.stats().rdnsTimeouts).toBe(1);
  });

  it('is never consulted on ISP, mobile or hosting networks', async () => {
    const looked: string[] = [];
    const r = await make({ rdns: { enabled: true, lookup: async (ip) => (looked.push(ip), ['gw.acme.com']), timeoutMs: 100 } });
    for (const ip of ['73.22.1.5', '49.36.1.1', '8.8.8.8']) expect(r.resolve('s', ip).reason).toBe('not_company');
    await sleep(5);
    expect(looked).toEqual([]);
  });

  it('applies to networks the data cannot place (unknown ASes)', async () => {
    const r = await make({ rdns: { enabled: true, lookup: async () => ['edge1.kyndryl.com'], timeoutMs: 100 } });
    r.resolve('s', '129.42.1.1');
    await sleep(0);
    const res = r.resolve('s', '129.42.1.1');
    expect([res.asn, res.source, res.company]).toEqual([14904, 'rdns', { domain: 'kyndryl.com' }]);
  });

  it('does nothing when disabled', async () => {
    const looked: string[] = [];
    const r = await make({ rdns: { enabled: false, lookup: async (ip) => (looked.push(ip), ['gw.acme.com']) } });
    expect(r.resolve('s', '192.0.2.14').reason).toBe('unknown_network');
    await sleep(5);
    expect(looked).toEqual([]);
  });
});

describe('caching', () => {
  it('answers repeated addresses from the cache and counts hits and misses', async () => {
    let calls = 0;
    const r = await make({ identity: () => (calls++, null) });
    const first = r.resolve('s', '17.253.144.10');
    const second = r.resolve('s', '17.253.144.10');
    expect(second).toBe(first);
    expect(calls).toBe(1);
    expect(r.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 1, cacheSize: 1 });
  });

  it('expires entries after the TTL', async () => {
    let t = 1_000;
    let calls = 0;
    const r = await make({ identity: () => (calls++, null), cache: { max: 100, ttlMs: 60_000 }, now: () => t });
    r.resolve('s', '17.253.144.10');
    t += 59_999;
    r.resolve('s', '17.253.144.10');
    expect(calls).toBe(1);
    t += 1;
    r.resolve('s', '17.253.144.10');
    expect(calls).toBe(2);
  });

  it("drops one site's answers on invalidateSite, so new identity data shows at once", async () => {
    let domain: string | null = null;
    const r = await make({ identity: (site) => (site === 'a' ? domain : null) });
    expect(r.resolve('a', '198.51.100.1').company).toBeNull();
    expect(r.resolve('b', '198.51.100.1').company).toBeNull();
    domain = 'initech.com';
    expect(r.resolve('a', '198.51.100.1').company).toBeNull(); // still cached
    r.invalidateSite('a');
    expect(r.resolve('a', '198.51.100.1').company).toEqual(INITECH);
    const before = r.stats().cacheHits;
    r.resolve('b', '198.51.100.1');
    expect(r.stats().cacheHits).toBe(before + 1); // site b untouched
  });

  it('forgets everything on clear', async () => {
    const r = await make();
    r.resolve('s', '8.8.8.8');
    r.clear();
    r.resolve('s', '8.8.8.8');
    expect(r.stats()).toMatchObject({ cacheHits: 0, cacheMisses: 2 });
  });

  it('can be turned off', async () => {
    const r = await make({ cache: { max: 0, ttlMs: 0 } });
    r.resolve('s', '8.8.8.8');
    r.resolve('s', '8.8.8.8');
    expect(r.stats()).toMatchObject({ cacheHits: 0, cacheMisses: 2, cacheSize: 0 });
  });

  it('keeps no answer the shipped tables give alone, since computing it is cheaper than caching it', async () => {
    const r = await make({ identity: () => null, hasIdentity: (site) => site === 'with-identity' });
    const first = r.resolve('plain', '17.253.144.10');
    expect(r.resolve('plain', '17.253.144.10')).toEqual(first);
    expect(r.stats()).toMatchObject({ cacheHits: 0, cacheMisses: 2, cacheSize: 0 });
    r.resolve('with-identity', '17.253.144.10');
    r.resolve('with-identity', '17.253.144.10');
    expect(r.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 3, cacheSize: 1 });
  });

  it('does not cache invalid input', async () => {
    const r = await make();
    r.resolve('s', 'junk');
    expect(r.stats().cacheSize).toBe(0);
  });
});

describe('IPv6', () => {
  it('resolves IPv6 like IPv4, including identity data on 2001:db8::/32', async () => {
    const r = await make({ identity: (_s, key) => (key === '20010db8000000000000000000000abc' ? 'initech.com' : null) });
    const res = r.resolve('s', '2001:DB8:0:0::ABC');
    expect([res.ip, res.source, res.company?.domain, res.asn, res.country]).toEqual(['2001:db8::abc', 'identity', 'initech.com', null, null]);
    const google = r.resolve('s', '2001:4860:4860::8888');
    expect([google.ip, google.asn, google.asOrg, google.networkKind, google.country]).toEqual(['2001:4860:4860::8888', 15169, 'Google LLC', 'hosting', 'US']);
  });

  it('treats IPv4-mapped IPv6 as the IPv4 address', async () => {
    const r = await make();
    const res = r.resolve('s', '::ffff:17.253.144.10');
    expect([res.ip, res.asn, res.company?.domain]).toEqual(['17.253.144.10', 714, 'apple.com']);
  });
});

describe('lookupCompany and info', () => {
  it('finds curated firmographics by any spelling of the domain', async () => {
    const r = await make();
    expect(r.lookupCompany('https://www.Apple.com/mac')).toEqual(APPLE);
    expect(r.lookupCompany('globex.com')).toBeNull();
    expect(r.lookupCompany('not a domain')).toBeNull();
  });

  it('reports what it loaded', async () => {
    const r = await make({ enterpriseFiles: [operatorFile] });
    // 714 and 7922 from the fixture table, plus the 11 ASes named exactly "Kyndryl".
    expect(r.info).toMatchObject({ enterpriseAsns: 13, enterpriseCompanies: 4, cityDb: false });
    expect(r.info.asCount).toBeGreaterThan(80_000);
    expect(r.info.curatedAsns).toBeGreaterThan(600);
  });

  it('reads a city database when given one (here the country one: no city fields, so none come out)', async () => {
    const r = await make({ cityDbPath: countryMmdb });
    const res = r.resolve('s', '8.8.8.8');
    expect([r.info.cityDb, res.country, res.region, res.city]).toEqual([true, 'US', null, null]);
  });
});
