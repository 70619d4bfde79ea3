// Data-quality checks for ClearView's curated enterprise AS list
// (packages/collector/data/enterprises/enterprises.json) and the table generated from it
// (asn-table.json, by packages/collector/scripts/build-enterprise-asns.mjs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

interface Organization {
  name: string;
  domain: string;
  industry: string;
  size: string;
  employeeCount?: number;
  revenue?: string;
  country: string;
  asPatterns?: string[];
  asns?: number[];
  excludeAsns?: { asn: number; kind: string; reason: string }[];
}
interface SourceFile {
  version: number;
  description: string;
  organizations: Organization[];
}
interface AsnTable {
  generatedAt: string;
  source: string;
  asns: Record<string, string>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const collectorDir = join(root, 'packages', 'collector');
const dataDir = join(collectorDir, 'data', 'enterprises');
const source = JSON.parse(readFileSync(join(dataDir, 'enterprises.json'), 'utf8')) as SourceFile;
const table = JSON.parse(readFileSync(join(dataDir, 'asn-table.json'), 'utf8')) as AsnTable;
const orgs = source.organizations;
const byDomain = new Map(orgs.map((o) => [o.domain, o]));

// The documented lists (README.md in the data folder).
const INDUSTRIES = new Set([
  'Aerospace & Defense',
  'Agriculture',
  'Automotive',
  'Chemicals',
  'Construction & Engineering',
  'Consumer Goods',
  'Energy & Utilities',
  'Financial Services',
  'Food & Beverage',
  'Government Contractors',
  'Healthcare',
  'Hospitality & Travel',
  'Insurance',
  'Logistics & Transportation',
  'Manufacturing',
  'Media & Entertainment',
  'Mining & Metals',
  'Pharmaceuticals & Biotech',
  'Professional Services & Consulting',
  'Real Estate',
  'Retail',
  'Technology',
  'Telecommunications Equipment',
]);
const SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'];
const REVENUES = new Set(['$1M-$10M', '$10M-$50M', '$50M-$100M', '$100M-$500M', '$500M-$1B', '$1B-$10B', '$10B-$50B', '$50B+']);
const SIZE_BOUNDS: Record<string, [number, number]> = {
  '1-10': [1, 10],
  '11-50': [11, 50],
  '51-200': [51, 200],
  '201-500': [201, 500],
  '501-1000': [501, 1000],
  '1001-5000': [1001, 5000],
  '5001-10000': [5001, 10000],
  '10001+': [10001, Number.POSITIVE_INFINITY],
};

// Consumer ISPs, mobile carriers, transit, hosting, cloud and CDN networks: visitors from
// these must never be reported as the company that happens to own the network.
const NEVER: Record<number, string> = {
  7922: 'Comcast',
  3320: 'Deutsche Telekom',
  16509: 'Amazon (AWS)',
  14618: 'Amazon (AWS)',
  15169: 'Google',
  396982: 'Google Cloud',
  8075: 'Microsoft (Azure)',
  13335: 'Cloudflare',
  3215: 'Orange',
  701: 'Verizon',
  702: 'Verizon',
  7018: 'AT&T',
  2856: 'BT',
  4134: 'China Telecom',
  4837: 'China Unicom',
  12322: 'Free',
  5089: 'Virgin Media',
  20940: 'Akamai',
  16625: 'Akamai',
  14061: 'DigitalOcean',
  24940: 'Hetzner',
  16276: 'OVH',
  3269: 'Telecom Italia',
  1299: 'Arelion (Telia)',
  174: 'Cogent',
  3356: 'Lumen',
  6939: 'Hurricane Electric',
  2914: 'NTT',
  6830: 'Liberty Global',
  5607: 'Sky UK',
  3352: 'Telefonica Spain',
  6805: 'Telefonica Germany',
  3301: 'Telia Sweden',
  1136: 'KPN',
  20115: 'Charter',
  22773: 'Cox',
  5650: 'Frontier',
  9318: 'SK Broadband',
  2527: 'Sony Network Communications (So-net)',
  4766: 'Korea Telecom',
  1221: 'Telstra',
  7552: 'Viettel',
  31898: 'Oracle Cloud',
  36351: 'IBM Cloud',
  13445: 'Cisco Webex',
  36692: 'Cisco Umbrella (OpenDNS)',
  45102: 'Alibaba Cloud',
  132203: 'Tencent Cloud',
  55990: 'Huawei Cloud',
  20473: 'Vultr',
  63949: 'Akamai (Linode)',
  9009: 'M247',
  60068: 'Datacamp (CDN77)',
  212238: 'Datacamp',
  54113: 'Fastly',
};

/** Distinct AS number -> AS organisation name from the installed @ip-location-db/asn CSVs. */
function loadAsNames(): { names: Map<number, string>; version: string } {
  const require = createRequire(join(collectorDir, 'package.json'));
  const pkgJson = require.resolve('@ip-location-db/asn/package.json');
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const names = new Map<number, string>();
  for (const file of ['asn-ipv4.csv', 'asn-ipv6.csv']) {
    const text = readFileSync(join(dirname(pkgJson), file), 'utf8');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      // start_ip,end_ip,asn,name — the name may be quoted and contain commas.
      const c1 = line.indexOf(',');
      const c2 = line.indexOf(',', c1 + 1);
      const c3 = line.indexOf(',', c2 + 1);
      if (c3 === -1) continue;
      const asn = Number(line.slice(c2 + 1, c3));
      if (names.has(asn)) continue;
      let name = line.slice(c3 + 1).replace(/\r$/, '');
      if (name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1).replace(/""/g, '"');
      names.set(asn, name);
    }
  }
  return { names, version };
}

function compile(o: Organization): RegExp[] {
  return (o.asPatterns ?? []).map((p) => new RegExp(p, 'i'));
}

describe('enterprises.json', () => {
  it('is version 1 and lists at least 1,000 organizations', () => {
    expect(source.version).toBe(1);
    expect(typeof source.description).toBe('string');
    expect(orgs.length).toBeGreaterThanOrEqual(1000);
  });

  it('gives every organization a bare, lowercase domain', () => {
    const bad = orgs.filter(
      (o) => !/^(?!www\.)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,}$/.test(o.domain) || o.domain.includes('..'),
    );
    expect(bad.map((o) => o.domain)).toEqual([]);
  });

  it('has unique domains', () => {
    const seen = new Set<string>();
    const dupes = orgs.filter((o) => (seen.has(o.domain) ? true : (seen.add(o.domain), false)));
    expect(dupes.map((o) => o.domain)).toEqual([]);
  });

  it('uses only documented industries, sizes, revenue ranges and 2-letter countries', () => {
    const bad = orgs.filter(
      (o) =>
        !o.name.trim() ||
        !INDUSTRIES.has(o.industry) ||
        !SIZES.includes(o.size) ||
        (o.revenue !== undefined && !REVENUES.has(o.revenue)) ||
        !/^[A-Z]{2}$/.test(o.country),
    );
    expect(bad.map((o) => `${o.domain}: ${o.industry} / ${o.size} / ${o.revenue} / ${o.country}`)).toEqual([]);
  });

  it('keeps employeeCount inside the size bucket', () => {
    const bad = orgs.filter((o) => {
      if (o.employeeCount === undefined) return false;
      const [lo, hi] = SIZE_BOUNDS[o.size] ?? [0, -1];
      return !Number.isInteger(o.employeeCount) || o.employeeCount < lo || o.employeeCount > hi;
    });
    expect(bad.map((o) => `${o.domain}: ${o.employeeCount} vs ${o.size}`)).toEqual([]);
  });

  it('has patterns that compile, are anchored at the start, and something to match with', () => {
    const bad: string[] = [];
    for (const o of orgs) {
      if ((o.asPatterns ?? []).length === 0 && (o.asns ?? []).length === 0) bad.push(`${o.domain}: nothing to match`);
      for (const p of o.asPatterns ?? []) {
        try {
          new RegExp(p, 'i');
        } catch {
          bad.push(`${o.domain}: ${p} does not compile`);
          continue;
        }
        if (!p.startsWith('^')) bad.push(`${o.domain}: ${p} is not anchored`);
      }
      for (const n of [...(o.asns ?? []), ...(o.excludeAsns ?? []).map((e) => e.asn)]) {
        if (!Number.isInteger(n) || n <= 0) bad.push(`${o.domain}: bad AS number ${n}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('covers many industries and countries', () => {
    const industries = new Map<string, number>();
    const countries = new Map<string, number>();
    for (const o of orgs) {
      industries.set(o.industry, (industries.get(o.industry) ?? 0) + 1);
      countries.set(o.country, (countries.get(o.country) ?? 0) + 1);
    }
    expect(industries.size).toBeGreaterThanOrEqual(10);
    expect(countries.size).toBeGreaterThanOrEqual(20);
    // No single industry swallows the list.
    expect(Math.max(...industries.values())).toBeLessThan(orgs.length / 2);
  });
});

describe('asn-table.json', () => {
  let names: Map<number, string>;
  let version: string;
  beforeAll(() => {
    ({ names, version } = loadAsNames());
  });

  it('names the installed AS data as its source and has sorted numeric keys', () => {
    expect(table.source).toBe(`@ip-location-db/asn ${version}`);
    expect(Number.isNaN(Date.parse(table.generatedAt))).toBe(false);
    const keys = Object.keys(table.asns);
    expect(keys.every((k) => /^[1-9][0-9]*$/.test(k))).toBe(true);
    expect(keys.map(Number)).toEqual([...keys.map(Number)].sort((a, b) => a - b));
  });

  it('maps only to domains of enterprises.json, and gives every organization at least one AS', () => {
    const unknown = Object.values(table.asns).filter((d) => !byDomain.has(d));
    expect(unknown).toEqual([]);
    const covered = new Set(Object.values(table.asns));
    expect(orgs.filter((o) => !covered.has(o.domain)).map((o) => o.domain)).toEqual([]);
  });

  it('lists only AS numbers present in the installed data, each claimed by its own organization', () => {
    const bad: string[] = [];
    for (const [key, domain] of Object.entries(table.asns)) {
      const asn = Number(key);
      const name = names.get(asn);
      const o = byDomain.get(domain);
      if (name === undefined || !o) {
        bad.push(`AS${asn}: not in @ip-location-db/asn`);
        continue;
      }
      if ((o.excludeAsns ?? []).some((e) => e.asn === asn)) bad.push(`AS${asn}: excluded by ${domain}`);
      const claimed = (o.asns ?? []).includes(asn) || compile(o).some((r) => r.test(name));
      if (!claimed) bad.push(`AS${asn} "${name}" is not matched by ${domain}`);
    }
    expect(bad).toEqual([]);
  });

  it('is complete: every explicit asn is in the table, and no AS is matched by two organizations', () => {
    const compiled = orgs.map((o) => ({ o, res: compile(o) }));
    const problems: string[] = [];
    for (const o of orgs) {
      for (const asn of o.asns ?? []) {
        if (table.asns[String(asn)] !== o.domain) problems.push(`AS${asn} of ${o.domain} missing from the table`);
      }
    }
    for (const [key, domain] of Object.entries(table.asns)) {
      const name = names.get(Number(key)) ?? '';
      const others = compiled.filter(({ o, res }) => o.domain !== domain && !(o.excludeAsns ?? []).some((e) => e.asn === Number(key)) && res.some((r) => r.test(name)));
      const explicit = (byDomain.get(domain)?.asns ?? []).includes(Number(key));
      if (others.length > 0 && !explicit) {
        problems.push(`AS${key} "${name}" also matched by ${others.map(({ o }) => o.domain).join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('contains none of the known ISP, carrier, hosting, cloud and CDN networks', () => {
    const hits = Object.keys(NEVER)
      .filter((k) => table.asns[k] !== undefined)
      .map((k) => `AS${k} (${NEVER[Number(k)]}) -> ${table.asns[k]}`);
    expect(hits).toEqual([]);
  });

  it('maps known enterprise networks to the right company', () => {
    const expected: Record<number, string> = {
      714: 'apple.com', // Apple Inc.
      15465: 'siemens.com', // SIEMENS AG
      31399: 'mercedes-benz.com', // Mercedes-Benz Group AG
      9183: 'bosch.com', // Robert Bosch GmbH
      8590: 'bmwgroup.com', // Bayerische Motoren Werke AG
      13043: 'bayer.com', // Bayer AG
      2047: 'roche.com', // Hoffmann - La Roche Ltd.
      8883: 'ubs.com', // UBS AG
      32851: 'walmart.com', // Wal-Mart Stores, Inc.
      3486: 'jpmorganchase.com', // JPMorgan Chase & Co.
      10794: 'bankofamerica.com', // Bank of America, National Association
      1766: 'exxonmobil.com', // Exxon Mobil Corporation
      4249: 'lilly.com', // Eli Lilly and Company
      12291: 'dhl.com', // Deutsche Post AG
      109: 'cisco.com', // CISCO SYSTEMS, INC.
      521: 'ford.com', // Ford Motor Company
      4983: 'intel.com', // Intel Corporation
      20868: 'abb.com', // ABB Information Systems Ltd
      13169: 'abnamro.com', // ABN AMRO Bank N.V.
      12794: 'akbank.com', // AKBANK TAS
      5080: 'aramco.com', // Aramco
      45867: 'commbank.com.au', // Commonwealth Bank of Australia
    };
    const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, table.asns[k]]));
    expect(actual).toEqual(Object.fromEntries(Object.entries(expected)));
  });

  it('leaves out networks that only share a name with a listed company', () => {
    // Anthem Broadband is an ISP, not the insurer; Apple Bank is a bank, not Apple;
    // AS17608 "ABN" is an Asian access network, not ABN AMRO; Disney Streaming is a CDN origin;
    // AS6661 POST Luxembourg is a carrier, not Post Holdings. AS10695 is Walmart's store network,
    // which may carry in-store customer Wi-Fi, so it is reviewed and left out.
    for (const asn of [32444, 33037, 396918, 17608, 11251, 22604, 13445, 36692, 31898, 36351, 6661, 10695]) {
      expect(table.asns[String(asn)], `AS${asn} ${names.get(asn)}`).toBeUndefined();
    }
  });
});
