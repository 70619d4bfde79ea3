// Data-quality checks for the curated network files (packages/collector/data/networks/).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'tldts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCuratedNetworks } from '../../packages/collector/src/resolve/curated.js';
import { loadAsDatabase } from '../../packages/collector/src/resolve/networks.js';

const dir = fileURLToPath(new URL('../../packages/collector/data/networks/', import.meta.url));
const asnDir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
const kindFiles = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'ptr-domains.json');

interface KindFile {
  kind: string;
  description: string;
  networks: { asn: number; name: string; country: string }[];
}
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as KindFile;

const orgOf = new Map<number, string>();
beforeAll(async () => {
  const db = await loadAsDatabase(join(asnDir, 'asn-ipv4-num.csv'), join(asnDir, 'asn-ipv6-num.csv'));
  for (let i = 0; i < db.table.count; i++) orgOf.set(db.table.asn[i], db.table.org.get(i));
});

describe('curated network files', () => {
  it('has one file per provider kind, named after its kind', () => {
    expect(kindFiles.sort()).toEqual(['cdn.json', 'education.json', 'government.json', 'hosting.json', 'isp.json', 'mobile.json', 'vpn.json']);
    for (const f of kindFiles) expect(read(f).kind).toBe(f.replace('.json', ''));
  });

  it('loads without duplicates across files', async () => {
    const data = await loadCuratedNetworks(dir);
    const listed = kindFiles.reduce((n, f) => n + read(f).networks.length, 0);
    expect(data.kinds.size).toBe(listed);
  });

  it('lists only AS numbers present in the shipped data, under the names the data gives them', () => {
    for (const f of kindFiles) {
      for (const n of read(f).networks) {
        expect(orgOf.get(n.asn), `${f} AS${n.asn}`).toBe(n.name);
        expect(n.country, `${f} AS${n.asn}`).toMatch(/^[A-Z]{2}$/);
      }
    }
  });

  it('covers access providers of many countries', () => {
    const countries = new Set(['isp.json', 'mobile.json'].flatMap((f) => read(f).networks.map((n) => n.country)));
    for (const cc of ['US', 'CA', 'BR', 'MX', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'PL', 'SE', 'RU', 'TR', 'IN', 'CN', 'JP', 'KR', 'AU', 'ZA', 'NG', 'EG']) {
      expect(countries.has(cc), cc).toBe(true);
    }
  });

  it('lists provider PTR domains in lowercase under public suffixes', () => {
    const ptr = JSON.parse(readFileSync(join(dir, 'ptr-domains.json'), 'utf8')) as { domains: Record<string, string> };
    for (const [domain, kind] of Object.entries(ptr.domains)) {
      expect(domain, domain).toBe(domain.toLowerCase());
      expect(parse(domain).isIcann, domain).toBe(true);
      expect(['isp', 'mobile', 'hosting', 'cdn', 'vpn'], domain).toContain(kind);
    }
  });

  it('documents every data file in the README', () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const f of [...kindFiles, 'ptr-domains.json']) expect(readme, f).toContain(f);
  });
});
