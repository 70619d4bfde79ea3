import { execFile } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createResolver, type Resolution } from '../resolve/resolver.js';
import { installedIpData, ipDataFiles } from './files.js';

/** A download that may not replace the data in use, and why. The data in use is left as it was. */
export class IpDataRejected extends Error {}

/**
 * Addresses whose network is stable and well known (public resolvers, root servers, large
 * operators): new data must classify each as the data in use does, or it is refused. A file
 * that parses but is wrong (columns shifted, ranges cut) changes these before anything else.
 */
export const wellKnownAddresses = ['8.8.8.8', '1.1.1.1', '9.9.9.9', '208.67.222.222', '193.0.14.129', '199.7.83.42', '2001:4860:4860::8888', '2606:4700:4700::1111'];

/**
 * The least share of the ranges in use that new data must have. AS data grows slowly; a file
 * with far fewer rows is a cut download or the wrong file, whatever the HTTP status said.
 */
const minShareOfRanges = 0.8;

/** The largest file accepted: several times the real ones, so a runaway answer cannot fill the disk. */
const maxFileBytes = 512 * 1024 * 1024;

const generator = fileURLToPath(new URL('../../scripts/build-enterprise-asns.mjs', import.meta.url));

async function fetchTo(url: string, file: string): Promise<void> {
  const res = await fetch(url, { redirect: 'follow' });
  if (!res.ok || !res.body) throw new IpDataRejected(`${url} answered ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxFileBytes) throw new IpDataRejected(`${url} is ${declared} bytes, more than ${maxFileBytes}`);
  let bytes = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > maxFileBytes) body.destroy(new IpDataRejected(`${url} is more than ${maxFileBytes} bytes`));
  });
  try {
    await pipeline(body, createWriteStream(file));
  } catch (error) {
    throw error instanceof IpDataRejected ? error : new IpDataRejected(`${url}: the download broke off (${(error as Error).message})`);
  }
  // A body shorter than its Content-Length is a cut download.
  if (Number.isFinite(declared) && bytes !== declared) throw new IpDataRejected(`${url}: got ${bytes} of ${declared} bytes`);
}

/** Brings the three files from a URL folder or a local folder into dir. */
async function fetchSource(source: string, dir: string): Promise<void> {
  const remote = /^https?:\/\//i.test(source);
  for (const name of Object.values(ipDataFiles)) {
    const target = join(dir, name);
    if (remote) await fetchTo(new URL(name, source.endsWith('/') ? source : `${source}/`).href, target);
    else {
      const from = join(resolvePath(source), name);
      if (!existsSync(from)) throw new IpDataRejected(`${from} does not exist`);
      copyFileSync(from, target);
    }
  }
}

const classification = (r: Resolution) => ({ asn: r.asn, networkKind: r.networkKind, company: r.company?.domain ?? null, country: r.country });

export interface IpDataUpdate {
  dir: string;
  source: string;
  installedAt: string;
  ranges: { v4: number; v6: number };
  enterpriseAsns: number;
}

/**
 * `clearview data update`: fetches the AS and country data from source into a new release folder
 * under dataDir, checks it (it parses, it has about as many ranges as the data in use, the
 * well-known addresses classify as before), regenerates the enterprise AS table against it, and
 * only then points dataDir/current at it, with one rename. Anything refused leaves current as it was.
 */
export async function updateIpData(options: { dataDir: string; source: string; now?: Date }): Promise<IpDataUpdate> {
  const installedAt = (options.now ?? new Date()).toISOString();
  const releases = join(options.dataDir, 'releases');
  mkdirSync(releases, { recursive: true });
  const name = installedAt.replace(/[:.]/g, '-');
  const staging = join(releases, `${name}.partial`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    await fetchSource(options.source, staging);
    const current = installedIpData(options.dataDir);
    const before = await createResolver({ ...(current ?? {}), cache: { max: 0, ttlMs: 0 } });
    let after;
    try {
      after = await createResolver({
        asnV4Path: join(staging, ipDataFiles.v4),
        asnV6Path: join(staging, ipDataFiles.v6),
        countryDbPath: join(staging, ipDataFiles.country),
        cache: { max: 0, ttlMs: 0 },
      });
    } catch (error) {
      throw new IpDataRejected(`the new data does not parse: ${(error as Error).message}`);
    }
    for (const family of ['v4', 'v6'] as const) {
      const had = family === 'v4' ? before.info.asRangesV4 : before.info.asRangesV6;
      const has = family === 'v4' ? after.info.asRangesV4 : after.info.asRangesV6;
      if (has < had * minShareOfRanges) throw new IpDataRejected(`the new IP${family} AS data has ${has} ranges against ${had} in use: a cut or wrong file`);
    }
    if (after.info.countryRangesV4 < before.info.countryRangesV4 * minShareOfRanges) {
      throw new IpDataRejected(`the new country data has ${after.info.countryRangesV4} IPv4 ranges against ${before.info.countryRangesV4} in use`);
    }
    for (const ip of wellKnownAddresses) {
      const was = classification(before.resolve('', ip));
      const is = classification(after.resolve('', ip));
      if (JSON.stringify(was) !== JSON.stringify(is)) {
        throw new IpDataRejected(`${ip} classifies as ${JSON.stringify(is)} in the new data, ${JSON.stringify(was)} in the data in use`);
      }
    }
    // The curated organisations matched against the new AS names, as the shipped table was.
    try {
      await promisify(execFile)(process.execPath, [generator, '--asn-dir', staging, '--out', join(staging, 'asn-table.json')]);
    } catch (error) {
      throw new IpDataRejected(`the enterprise AS table could not be regenerated: ${String((error as { stderr?: string }).stderr ?? error).trim()}`);
    }
    const enterprises = await createResolver({
      asnV4Path: join(staging, ipDataFiles.v4),
      asnV6Path: join(staging, ipDataFiles.v6),
      countryDbPath: join(staging, ipDataFiles.country),
      asnTablePath: join(staging, 'asn-table.json'),
      cache: { max: 0, ttlMs: 0 },
    });
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify({ installedAt, source: options.source }, null, 2)}\n`);
    const release = join(releases, name);
    renameSync(staging, release);
    // A new link beside the old one, renamed over it: readers see the old data or the new, never neither.
    const link = join(options.dataDir, 'current.new');
    rmSync(link, { force: true });
    symlinkSync(join('releases', name), link);
    renameSync(link, join(options.dataDir, 'current'));
    pruneReleases(releases, name);
    return {
      dir: release,
      source: options.source,
      installedAt,
      ranges: { v4: after.info.asRangesV4, v6: after.info.asRangesV6 },
      enterpriseAsns: enterprises.info.enterpriseAsns,
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Keeps the release in use and the one before it (to go back by hand), and no partial downloads. */
function pruneReleases(releases: string, keep: string): void {
  const names = readdirSync(releases)
    .filter((entry) => statSync(join(releases, entry)).isDirectory())
    .sort();
  const previous = names.filter((entry) => entry !== keep && !entry.endsWith('.partial')).slice(-1);
  for (const entry of names) if (entry !== keep && !previous.includes(entry)) rmSync(join(releases, entry), { recursive: true, force: true });
}
