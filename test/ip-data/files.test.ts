import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultIpDataSource, ipDataFiles } from '../../packages/collector/src/ip-data/files.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

describe('the IP data files', () => {
  it('are named as the upstream npm packages ship them', () => {
    expect(existsSync(join(packageDir('@ip-location-db/asn'), ipDataFiles.v4))).toBe(true);
    expect(existsSync(join(packageDir('@ip-location-db/asn'), ipDataFiles.v6))).toBe(true);
    expect(existsSync(join(packageDir('@ip-location-db/geo-whois-asn-country-mmdb'), ipDataFiles.country))).toBe(true);
  });

  it('are fetched by default from the newest GitHub release of the upstream project, each by its own name', () => {
    expect(new URL(ipDataFiles.v4, defaultIpDataSource).href).toBe('https://github.com/sapics/ip-location-db/releases/latest/download/asn-ipv4-num.csv');
    expect(new URL(ipDataFiles.country, defaultIpDataSource).href).toBe('https://github.com/sapics/ip-location-db/releases/latest/download/geo-whois-asn-country.mmdb');
  });
});
