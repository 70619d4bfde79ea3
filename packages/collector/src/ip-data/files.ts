import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The IP data ClearView reads, by file name, as the upstream project (ip-location-db) publishes it
 * and as the npm packages ship it: AS ranges with organisations (numeric CSV) and countries (MMDB).
 */
export const ipDataFiles = { v4: 'asn-ipv4-num.csv', v6: 'asn-ipv6-num.csv', country: 'geo-whois-asn-country.mmdb' } as const;

/**
 * Where `clearview data update` fetches from by default: the upstream's README sends users to its GitHub
 * Releases, and GitHub's latest/download path names the newest release's asset whatever its tag.
 */
export const defaultIpDataSource = 'https://github.com/sapics/ip-location-db/releases/latest/download/';

/** Paths of an installed data set, for the resolver. */
export interface InstalledIpData {
  dir: string;
  asnV4Path: string;
  asnV6Path: string;
  countryDbPath: string;
  asnTablePath: string;
  installedAt: string;
  source: string;
}

/**
 * The data set `clearview data update` installed under dataDir (dataDir/current, a link to one
 * release folder), or null: then the shipped npm packages are used, so a first start needs no download.
 */
export function installedIpData(dataDir: string | null): InstalledIpData | null {
  if (!dataDir) return null;
  const dir = join(dataDir, 'current');
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { installedAt: string; source: string };
  return {
    dir,
    asnV4Path: join(dir, ipDataFiles.v4),
    asnV6Path: join(dir, ipDataFiles.v6),
    countryDbPath: join(dir, ipDataFiles.country),
    asnTablePath: join(dir, 'asn-table.json'),
    installedAt: manifest.installedAt,
    source: manifest.source,
  };
}
