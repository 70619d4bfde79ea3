// Loads the curated network data files (packages/collector/data/networks/):
// one JSON file per network kind listing AS numbers, and ptr-domains.json
// listing the reverse-DNS domains of providers. Documented in that folder's README.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NETWORK_KINDS, type NetworkKind } from './types.js';

export interface CuratedNetworkFile {
  kind: NetworkKind;
  description?: string;
  networks: { asn: number; name?: string; country?: string; note?: string }[];
}

export interface CuratedData {
  kinds: Map<number, NetworkKind>;
  /** Registrable domain (or longer suffix) of a provider's PTR names -> kind. */
  ptrDomains: Map<string, NetworkKind>;
  files: string[];
}

// Only "not a company" kinds and government may be curated: 'business' comes
// from the enterprise table alone, and 'unknown' is the absence of a rule.
const CURATABLE: ReadonlySet<NetworkKind> = new Set(NETWORK_KINDS.filter((k) => k !== 'business' && k !== 'unknown'));

function isKind(v: unknown): v is NetworkKind {
  return typeof v === 'string' && CURATABLE.has(v as NetworkKind);
}

/** Reads every `<kind>.json` and ptr-domains.json in `dir`. Throws on malformed files or an AS listed twice. */
export async function loadCuratedNetworks(dir: string): Promise<CuratedData> {
  const kinds = new Map<number, NetworkKind>();
  const ptrDomains = new Map<string, NetworkKind>();
  const files: string[] = [];
  const where = new Map<number, string>();
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return { kinds, ptrDomains, files };
  }
  for (const name of names) {
    const path = join(dir, name);
    const data = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    files.push(name);
    if (name === 'ptr-domains.json') {
      const domains = data.domains as Record<string, unknown> | undefined;
      for (const [domain, kind] of Object.entries(domains ?? {})) {
        if (!isKind(kind)) throw new Error(`${path}: ${domain} has unknown kind ${String(kind)}`);
        ptrDomains.set(domain.toLowerCase(), kind);
      }
      continue;
    }
    if (!isKind(data.kind)) throw new Error(`${path}: "kind" must be one of ${[...CURATABLE].join(', ')}`);
    if (!Array.isArray(data.networks)) throw new Error(`${path}: "networks" must be an array`);
    for (const n of data.networks as { asn?: unknown }[]) {
      const asn = n.asn;
      if (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 0 || asn > 0xffffffff) {
        throw new Error(`${path}: bad asn ${JSON.stringify(asn)}`);
      }
      // One AS, one kind: a second listing is a data bug worth failing on.
      const prev = where.get(asn);
      if (prev !== undefined) throw new Error(`${path}: AS${asn} is already listed in ${prev}`);
      where.set(asn, name);
      kinds.set(asn, data.kind);
    }
  }
  return { kinds, ptrDomains, files };
}
