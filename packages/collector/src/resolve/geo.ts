// Country by IP, from the geo-whois-asn-country MMDB flattened into sorted
// typed-array ranges at load; region and city from an operator's own city
// database (GeoLite2-City or compatible) when one is configured.
//
// Why flatten: the maxmind reader parses the address text and walks the tree
// on every call, about 430,000 lookups/s measured on this machine, which alone
// is below the resolver's 500,000/s cold target. A binary search over typed
// arrays answers the same question from bytes we already parsed.

import { readFile } from 'node:fs/promises';
import maxmind, { Reader, type CityResponse } from 'maxmind';
import { buildIndex16, searchLimbs, searchU32Indexed } from './u128.js';

export interface CountryDb {
  /** Country codes by index; index 0 is "no data". */
  codes: (string | null)[];
  v4: { count: number; index: Int32Array; starts: Uint32Array; code: Uint16Array };
  v6: { count: number; starts: Uint32Array; code: Uint16Array };
}

interface TreeInfo {
  buf: Uint8Array;
  nodeCount: number;
  recordSize: number;
  nodeBytes: number;
}

function readRecord(t: TreeInfo, node: number, right: boolean): number {
  const b = t.buf;
  const o = node * t.nodeBytes;
  switch (t.recordSize) {
    case 24:
      return right ? (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5] : (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
    case 28:
      return right
        ? ((b[o + 3] & 0x0f) * 0x1000000 + ((b[o + 4] << 16) | (b[o + 5] << 8) | b[o + 6]))
        : ((b[o + 3] & 0xf0) >> 4) * 0x1000000 + ((b[o] << 16) | (b[o + 1] << 8) | b[o + 2]);
    case 32: {
      const p = right ? o + 4 : o;
      return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
    }
    default:
      throw new Error(`unsupported MMDB record size ${t.recordSize}`);
  }
}

class RangeSink {
  starts: number[] = [];
  code: number[] = [];
  push(start: number, code: number): void {
    // Adjacent leaves with the same country merge into one range.
    if (this.code.length > 0 && this.code[this.code.length - 1] === code) return;
    this.starts.push(start);
    this.code.push(code);
  }
}

function v4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function v6Text(limbs: Uint32Array): string {
  const groups: string[] = [];
  for (let k = 0; k < 4; k++) groups.push((limbs[k] >>> 16).toString(16), (limbs[k] & 0xffff).toString(16));
  return groups.join(':');
}

/** Country code from an MMDB record: the country DB's `country_code` or a GeoIP2-style `country.iso_code`. */
function countryOf(rec: unknown): string | null {
  if (!rec || typeof rec !== 'object') return null;
  const r = rec as { country_code?: unknown; country?: { iso_code?: unknown } };
  if (typeof r.country_code === 'string') return r.country_code.toUpperCase();
  if (typeof r.country?.iso_code === 'string') return r.country.iso_code.toUpperCase();
  return null;
}

/** Walks the MMDB search tree once and returns sorted country ranges for IPv4 and for 2000::/3. */
export function flattenCountryMmdb(buf: Buffer): CountryDb {
  const reader = new Reader<Record<string, unknown>>(buf);
  const md = reader.metadata;
  const t: TreeInfo = { buf, nodeCount: md.nodeCount, recordSize: md.recordSize, nodeBytes: md.nodeByteSize };
  const codes: (string | null)[] = [null];
  const codeIndex = new Map<string, number>();
  const byPointer = new Map<number, number>();

  // A data pointer is decoded once, through the public reader, by looking up
  // an address known to land on it: the start of the leaf's range (built
  // only on a cache miss: formatting 600k addresses cost more than the walk).
  const codeFor = (pointer: number, sampleIp: () => string): number => {
    if (pointer === t.nodeCount) return 0; // "no data" record
    let idx = byPointer.get(pointer);
    if (idx === undefined) {
      const cc = countryOf(reader.get(sampleIp()));
      if (cc === null) idx = 0;
      else {
        idx = codeIndex.get(cc);
        if (idx === undefined) {
          idx = codes.length;
          codes.push(cc);
          codeIndex.set(cc, idx);
        }
      }
      byPointer.set(pointer, idx);
    }
    return idx;
  };

  // IPv4: in an IPv6 tree the IPv4 space is ::/96, 96 left turns from the root.
  let v4Root = 0;
  let v4Leaf = -1;
  if (md.ipVersion === 6) {
    for (let i = 0; i < 96; i++) {
      v4Root = readRecord(t, v4Root, false);
      if (v4Root >= t.nodeCount) {
        v4Leaf = v4Root;
        break;
      }
    }
  }
  const sink4 = new RangeSink();
  if (v4Leaf !== -1) {
    sink4.push(0, codeFor(v4Leaf, () => '0.0.0.0'));
  } else {
    // Iterative DFS, right child pushed first so the left one pops first:
    // leaves come out in address order. A leaf is stored as -1 - record.
    const nodes: number[] = [v4Root];
    const depths: number[] = [0];
    const prefixes: number[] = [0];
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const depth = depths.pop()!;
      const prefix = prefixes.pop()!;
      if (node < 0) {
        const rec = -1 - node;
        const start = prefix * 2 ** (32 - depth);
        sink4.push(start, codeFor(rec, () => v4Text(start)));
        continue;
      }
      for (let right = 1; right >= 0; right--) {
        const rec = readRecord(t, node, right === 1);
        const leafHere = rec >= t.nodeCount || depth + 1 === 32;
        nodes.push(leafHere ? -1 - (rec >= t.nodeCount ? rec : t.nodeCount) : rec);
        depths.push(depth + 1);
        prefixes.push(prefix * 2 + right);
      }
    }
  }

  // IPv6: only 2000::/3 is global unicast (see ip.ts); other space never reaches a lookup.
  const sink6starts: number[] = []; // 4 limbs per range
  const sink6code: number[] = [];
  const push6 = (start: ArrayLike<number>, code: number) => {
    if (sink6code.length > 0 && sink6code[sink6code.length - 1] === code) return;
    sink6starts.push(start[0], start[1], start[2], start[3]);
    sink6code.push(code);
  };
  if (md.ipVersion === 6) {
    let node = 0;
    let leaf = -1;
    for (const bit of [false, false, true]) {
      node = readRecord(t, node, bit);
      if (node >= t.nodeCount) {
        leaf = node;
        break;
      }
    }
    if (leaf !== -1) {
      push6([0x20000000, 0, 0, 0], codeFor(leaf, () => '2000::'));
    } else {
      // DFS in address order without BigInt: the current address lives in
      // four limbs. Popping a child at depth d sets bit d-1 and clears every
      // bit below it; the bits above still hold its ancestors' path.
      const addr = new Uint32Array([0x20000000, 0, 0, 0]);
      const nodes: number[] = [node];
      const depths: number[] = [3];
      const bits: number[] = [1];
      while (nodes.length > 0) {
        const cur = nodes.pop()!;
        const depth = depths.pop()!;
        const bit = bits.pop()!;
        const pos = depth - 1; // bit index from the top, 0..127
        const limb = pos >>> 5;
        const shift = 31 - (pos & 31);
        // Keep the bits above pos, set pos to `bit`, clear the rest of this limb and all lower limbs.
        const keepMask = shift === 31 ? 0 : (0xffffffff << (shift + 1)) >>> 0;
        addr[limb] = ((addr[limb] & keepMask) | (bit << shift)) >>> 0;
        for (let k = limb + 1; k < 4; k++) addr[k] = 0;
        if (cur < 0) {
          const rec = -1 - cur;
          push6(addr, codeFor(rec, () => v6Text(addr)));
          continue;
        }
        for (let right = 1; right >= 0; right--) {
          const rec = readRecord(t, cur, right === 1);
          const childDepth = depth + 1;
          // The IPv4 subtree is also reachable through alias paths (6to4,
          // Teredo); those are reserved space for us, so they count as no data.
          const leafHere = rec >= t.nodeCount || childDepth === 128 || rec === v4Root;
          nodes.push(leafHere ? -1 - (rec >= t.nodeCount ? rec : t.nodeCount) : rec);
          depths.push(childDepth);
          bits.push(right);
        }
      }
    }
  }

  const v4starts = Uint32Array.from(sink4.starts);
  const v4 = {
    count: v4starts.length,
    index: buildIndex16(v4starts, v4starts.length),
    starts: v4starts,
    code: Uint16Array.from(sink4.code),
  };
  const v6 = { count: sink6code.length, starts: Uint32Array.from(sink6starts), code: Uint16Array.from(sink6code) };
  return { codes, v4, v6 };
}

export async function loadCountryDb(path: string): Promise<CountryDb> {
  return flattenCountryMmdb(await readFile(path));
}

export function countryV4(db: CountryDb, ip: number): string | null {
  const i = searchU32Indexed(db.v4.starts, db.v4.index, ip);
  return i >= 0 ? db.codes[db.v4.code[i]] : null;
}

export function countryV6(db: CountryDb, limbs: Uint32Array): string | null {
  const i = searchLimbs(db.v6.starts, db.v6.count, limbs);
  return i >= 0 ? db.codes[db.v6.code[i]] : null;
}

export interface CityInfo {
  country: string | null;
  region: string | null;
  city: string | null;
}

export type CityLookup = (ipText: string) => CityInfo | null;

/**
 * An operator's GeoIP2/GeoLite2-City compatible database (not shipped: its
 * licence forbids redistribution). English names; region is the first
 * subdivision (state, province).
 */
export async function openCityDb(path: string): Promise<CityLookup> {
  const reader = await maxmind.open<CityResponse>(path, { cache: { max: 10_000 } });
  return (ipText) => {
    const r = reader.get(ipText);
    if (!r) return null;
    return {
      country: r.country?.iso_code ?? null,
      region: r.subdivisions?.[0]?.names?.en ?? null,
      city: r.city?.names?.en ?? null,
    };
  };
}

