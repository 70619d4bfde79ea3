// Classification on real AS numbers and names from the shipped data.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyNetwork, isNotCompany, raisesHostingSignal, type CuratedNetworks } from '../../packages/collector/src/resolve/classify.js';
import { loadCuratedNetworks, type CuratedData } from '../../packages/collector/src/resolve/curated.js';
import { loadAsDatabase, type AsDatabase } from '../../packages/collector/src/resolve/networks.js';
import { NETWORK_KINDS, type NetworkKind } from '../../packages/collector/src/resolve/types.js';

const asnDir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
const networksDir = fileURLToPath(new URL('../../packages/collector/data/networks/', import.meta.url));

let db: AsDatabase;
let curatedData: CuratedData;
let curated: CuratedNetworks;
const orgOf = new Map<number, string>();
const none: CuratedNetworks = { kinds: new Map(), enterprise: new Set() };

beforeAll(async () => {
  [db, curatedData] = await Promise.all([loadAsDatabase(join(asnDir, 'asn-ipv4-num.csv'), join(asnDir, 'asn-ipv6-num.csv')), loadCuratedNetworks(networksDir)]);
  for (let i = 0; i < db.table.count; i++) orgOf.set(db.table.asn[i], db.table.org.get(i));
  curated = { kinds: curatedData.kinds, enterprise: new Set([714]) };
});

const real = (asn: number) => classifyNetwork(asn, orgOf.get(asn) ?? null, curated);

describe('curated provider networks of many countries are never companies', () => {
  // [asn, country, kind]: the biggest access, mobile, cloud and school networks.
  const cases: [number, string, NetworkKind][] = [
    [7922, 'US', 'isp'], // Comcast
    [7018, 'US', 'isp'], // AT&T
    [701, 'US', 'isp'], // Verizon
    [21928, 'US', 'mobile'], // T-Mobile USA
    [22394, 'US', 'mobile'], // Verizon Wireless
    [812, 'CA', 'isp'], // Rogers
    [577, 'CA', 'isp'], // Bell Canada
    [18881, 'BR', 'isp'], // Telefonica Brasil (Vivo)
    [26615, 'BR', 'mobile'], // TIM
    [8151, 'MX', 'isp'], // Uninet (Telmex)
    [28403, 'MX', 'mobile'], // Telcel
    [2856, 'GB', 'isp'], // BT
    [5089, 'GB', 'isp'], // Virgin Media
    [3320, 'DE', 'isp'], // Deutsche Telekom
    [3209, 'DE', 'mobile'], // Vodafone GmbH
    [3215, 'FR', 'isp'], // Orange
    [12322, 'FR', 'isp'], // Free
    [3352, 'ES', 'isp'], // Telefonica de Espana
    [3269, 'IT', 'isp'], // Telecom Italia
    [1136, 'NL', 'isp'], // KPN
    [5617, 'PL', 'isp'], // Orange Polska
    [3301, 'SE', 'isp'], // Telia
    [12389, 'RU', 'isp'], // Rostelecom
    [8359, 'RU', 'mobile'], // MTS
    [9121, 'TR', 'isp'], // Turk Telekom
    [16135, 'TR', 'mobile'], // Turkcell
    [55836, 'IN', 'mobile'], // Reliance Jio
    [9829, 'IN', 'isp'], // BSNL
    [4134, 'CN', 'isp'], // Chinanet
    [9808, 'CN', 'mobile'], // China Mobile
    [4713, 'JP', 'isp'], // NTT OCN
    [9605, 'JP', 'mobile'], // NTT Docomo
    [4766, 'KR', 'isp'], // Korea Telecom
    [1221, 'AU', 'isp'], // Telstra
    [5713, 'ZA', 'isp'], // Telkom SA
    [29465, 'NG', 'mobile'], // MTN Nigeria
    [8452, 'EG', 'isp'], // Telecom Egypt
    [16509, 'US', 'hosting'], // AWS
    [14618, 'US', 'hosting'], // AWS
    [15169, 'US', 'hosting'], // Google
    [8075, 'US', 'hosting'], // Microsoft Azure
    [16276, 'FR', 'hosting'], // OVH
    [24940, 'DE', 'hosting'], // Hetzner
    [14061, 'US', 'hosting'], // DigitalOcean
    [45102, 'CN', 'hosting'], // Alibaba
    [13335, 'US', 'cdn'], // Cloudflare
    [20940, 'NL', 'cdn'], // Akamai
    [136787, 'PA', 'vpn'], // PacketHub (NordVPN)
    [3, 'US', 'education'], // MIT
    [28571, 'BR', 'education'], // Universidade de Sao Paulo
    [786, 'GB', 'education'], // Jisc (JANET)
    [680, 'DE', 'education'], // DFN
    [4538, 'CN', 'education'], // CERNET
  ];
  it.each(cases)('AS%i (%s) is %s by the curated files', (asn, _country, kind) => {
    expect(orgOf.has(asn)).toBe(true);
    expect(real(asn)).toEqual({ kind, rule: `curated:${kind}` });
    expect(isNotCompany(kind)).toBe(true);
  });
});

describe('name rules', () => {
  const byName: [string, NetworkKind, string][] = [
    ['Comcast Cable Communications, LLC', 'isp', 'name:isp'],
    ['Vodafone GmbH', 'mobile', 'name:mobile'],
    ['Reliance Jio Infocomm Limited', 'mobile', 'name:mobile'],
    ['T-Mobile USA, Inc.', 'mobile', 'name:mobile'],
    ['Deutsche Telekom AG', 'isp', 'name:isp'],
    ['Charter Communications Inc', 'isp', 'name:isp'],
    ['Telefonica de Argentina', 'isp', 'name:isp'],
    ['VTR BANDA ANCHA S.A.', 'isp', 'name:isp'],
    ['Amazon.com, Inc.', 'hosting', 'name:cloud_brand'],
    ['Google LLC', 'hosting', 'name:cloud_brand'],
    ['Microsoft Corporation', 'hosting', 'name:cloud_brand'],
    ['OVH SAS', 'hosting', 'name:hosting'],
    ['Hetzner Online GmbH', 'hosting', 'name:hosting'],
    ['DigitalOcean, LLC', 'hosting', 'name:hosting'],
    ['The Constant Company, LLC', 'hosting', 'name:hosting'],
    ['Cloudflare, Inc.', 'cdn', 'name:cdn'],
    ['Akamai International B.V.', 'cdn', 'name:cdn'],
    ['PacketHub S.A.', 'vpn', 'name:vpn'],
    ['Universidade de São Paulo', 'education', 'name:education'],
    ['UNIVERSIDADE DE SAO PAULO', 'education', 'name:education'],
    ['Massachusetts Institute of Technology', 'education', 'name:education'],
    ['Universitaet Stuttgart', 'education', 'name:education'],
    ['Los Alamos National Laboratory', 'education', 'name:education'],
    ['DoD Network Information Center', 'government', 'name:government'],
    ['UK Ministry of Defence', 'government', 'name:government'],
  ];
  it.each(byName)('classifies "%s" as %s without any curated data', (org, kind, rule) => {
    expect(classifyNetwork(null, org, none)).toEqual({ kind, rule });
  });

  it('never calls a network a business from its name alone', () => {
    for (const org of [
      'Ford Motor Company',
      'Apple Inc.',
      'Bank of America, National Association',
      'Siemens AG',
      'The Procter and Gamble Company',
      'Eli Lilly and Company',
    ]) {
      expect(classifyNetwork(null, org, none), org).toEqual({ kind: 'unknown', rule: 'no_rule' });
    }
  });

  it('says unknown for a missing name and a missing AS', () => {
    expect(classifyNetwork(null, null, none)).toEqual({ kind: 'unknown', rule: 'no_rule' });
  });

  it('truncates absurdly long names before matching', () => {
    expect(classifyNetwork(null, `${'a'.repeat(500)} telecom`, none)).toEqual({ kind: 'unknown', rule: 'no_rule' });
  });
});

describe('the enterprise table and precedence', () => {
  it('makes a curated enterprise AS a business', () => {
    expect(real(714)).toEqual({ kind: 'business', rule: 'enterprise_table' });
  });

  it('lets the curated not-company files beat the enterprise table', () => {
    const both: CuratedNetworks = { kinds: curatedData.kinds, enterprise: new Set([7922, 16509]) };
    expect(classifyNetwork(7922, orgOf.get(7922)!, both)).toEqual({ kind: 'isp', rule: 'curated:isp' });
    expect(classifyNetwork(16509, orgOf.get(16509)!, both)).toEqual({ kind: 'hosting', rule: 'curated:hosting' });
  });

  it('lets the enterprise table beat name rules (a company AS under a cloud brand)', () => {
    const corp: CuratedNetworks = { kinds: new Map(), enterprise: new Set([3598]) };
    expect(classifyNetwork(3598, 'Microsoft Corporation', corp)).toEqual({ kind: 'business', rule: 'enterprise_table' });
  });
});

describe('kind policies', () => {
  it('lists exactly which kinds are never companies', () => {
    expect(NETWORK_KINDS.filter(isNotCompany)).toEqual(['isp', 'mobile', 'hosting', 'cdn', 'vpn', 'education']);
  });

  it('raises the bot signal for hosting and VPN networks only', () => {
    expect(NETWORK_KINDS.filter(raisesHostingSignal)).toEqual(['hosting', 'vpn']);
  });
});

describe('coverage of the shipped data', () => {
  it('classifies most routed IPv4 space as a provider, school or agency', () => {
    // Address-weighted share: what a random visitor's network looks like.
    let total = 0;
    let provider = 0;
    const memo = new Map<number, boolean>();
    for (let i = 0; i < db.v4.count; i++) {
      const id = db.v4.as[i];
      const size = db.v4.ends[i] - db.v4.starts[i] + 1;
      total += size;
      let p = memo.get(id);
      if (p === undefined) {
        const c = classifyNetwork(db.table.asn[id], db.table.org.get(id), curated);
        p = isNotCompany(c.kind) || c.kind === 'government';
        memo.set(id, p);
      }
      if (p) provider += size;
    }
    expect(provider / total).toBeGreaterThan(0.75);
  });
});
