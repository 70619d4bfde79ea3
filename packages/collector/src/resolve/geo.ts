// Country by IP, from the geo-whois-asn-country MMDB flattened into sorted
// typed-array ranges at load; region and city from an operator's own city
// database (GeoLite2-City or compatible) when one is configured.
//
// Why flatten: the maxmind reader parses the address text and walks the tree
// on every call, about 430,000 lookups/s measured on this machine, which alone
// is below the resolver's 500,000/s cold target. A binary search over typed
// arrays answers the same question from bytes we already parsed.
//
// The file is read through mmdb.ts, a window at a time; the maxmind package
// is imported only for an operator's city database.

import type { CityResponse } from 'maxmind';
import { MmdbFile } from './mmdb.js';
import { buildIndex16, searchLimbs, searchU32Indexed } from './u128.js';

export interface CountryDb {
  /** Country codes by index; index 0 is "no data". */
  codes: (string | null)[];
  v4: { count: number; index: Int32Array; starts: Uint32Array; code: Uint16Array };
  v6: { count: number; starts: Uint32Array; code: Uint16Array };
}

/**
 * Country ranges in address order; adjacent leaves with the same country
 * merge into one range. Without arrays it only counts: the walk runs twice,
 * once to size the arrays exactly and once to fill them, because growing
 * them left copies behind that an idle collector never collects.
 */
class RangeSink {
  count = 0;
  private last = -1;

  constructor(
    readonly starts: Uint32Array | null = null,
    readonly code: Uint16Array | null = null,
  ) {}

  /** An IPv4 range starting at `start`. */
  push4(start: number, code: number): void {
    if (code === this.last) return;
    this.last = code;
    if (this.starts !== null) {
      this.starts[this.count] = start;
      this.code![this.count] = code;
    }
    this.count++;
  }

  /** An IPv6 range starting at the four limbs of `start`. */
  push6(start: Uint32Array, code: number): void {
    if (code === this.last) return;
    this.last = code;
    if (this.starts !== null) {
      this.starts.set(start, this.count * 4);
      this.code![this.count] = code;
    }
    this.count++;
  }
}

/** Country code from an MMDB record: the country DB's `country_code` or a GeoIP2-style `country.iso_code`. */
function countryOf(rec: unknown): string | null {
  if (!rec || typeof rec !== 'object') return null;
  const r = rec as { country_code?: unknown; country?: { iso_code?: unknown } };
  if (typeof r.country_code === 'string') return r.country_code.toUpperCase();
  if (typeof r.country?.iso_code === 'string') return r.country.iso_code.toUpperCase();
  return null;
}

/** Country index by MMDB data record, each record decoded once. */
class CountryCodes {
  readonly codes: (string | null)[] = [null];
  private readonly index = new Map<string, number>();
  private readonly byRecord = new Map<number, number>();
  // Neighbouring leaves mostly share a record: checked before the Map.
  private lastRecord = -1;
  private lastCode = 0;

  constructor(private readonly db: MmdbFile) {}

  of(record: number): number {
    if (record === this.lastRecord) return this.lastCode;
    let code = this.byRecord.get(record);
    if (code === undefined) {
      // nodeCount is the "no data" record.
      const cc = record === this.db.nodeCount ? null : countryOf(this.db.data(record));
      code = cc === null ? 0 : this.index.get(cc);
      if (code === undefined) {
        code = this.codes.length;
        this.codes.push(cc);
        this.index.set(cc!, code);
      }
      this.byRecord.set(record, code);
    }
    this.lastRecord = record;
    this.lastCode = code;
    return code;
  }
}

// DFS stack size: at most one pending sibling per level plus the two children
// just pushed, and leaves are forced at depth 128.
const STACK = 130;

/**
 * IPv4 leaves in address order from the subtree at `root` (depth 0 = 0.0.0.0/0).
 * Iterative DFS, right child pushed first so the left one pops first. A leaf
 * is kept on the stack as -1 - record.
 */
function walkV4(db: MmdbFile, root: number, codes: CountryCodes, sink: RangeSink): void {
  const nodes = new Float64Array(STACK);
  const depths = new Uint8Array(STACK);
  const prefixes = new Float64Array(STACK);
  nodes[0] = root;
  let top = 1;
  while (top > 0) {
    top--;
    const node = nodes[top];
    const depth = depths[top];
    const prefix = prefixes[top];
    if (node < 0) {
      sink.push4(prefix * 2 ** (32 - depth), codes.of(-1 - node));
      continue;
    }
    for (let right = 1; right >= 0; right--) {
      const rec = db.record(node, right === 1);
      const leafHere = rec >= db.nodeCount || depth + 1 === 32;
      nodes[top] = leafHere ? -1 - (rec >= db.nodeCount ? rec : db.nodeCount) : rec;
      depths[top] = depth + 1;
      prefixes[top] = prefix * 2 + right;
      top++;
    }
  }
}

/**
 * Leaves under 2000::/3 in address order, from `node` at depth 3, without
 * BigInt: the current address lives in four limbs. Popping a child at depth
 * d sets bit d-1 and clears every bit below it; the bits above still hold
 * its ancestors' path.
 */
function walkV6(db: MmdbFile, node: number, v4Root: number, codes: CountryCodes, sink: RangeSink): void {
  const addr = new Uint32Array([0x20000000, 0, 0, 0]);
  const nodes = new Float64Array(STACK);
  const depths = new Uint8Array(STACK);
  const bits = new Uint8Array(STACK);
  nodes[0] = node;
  depths[0] = 3;
  bits[0] = 1;
  let top = 1;
  while (top > 0) {
    top--;
    const cur = nodes[top];
    const depth = depths[top];
    const bit = bits[top];
    const pos = depth - 1; // bit index from the top, 0..127
    const limb = pos >>> 5;
    const shift = 31 - (pos & 31);
    // Keep the bits above pos, set pos to `bit`, clear the rest of this limb and all lower limbs.
    const keepMask = shift === 31 ? 0 : (0xffffffff << (shift + 1)) >>> 0;
    addr[limb] = ((addr[limb] & keepMask) | (bit << shift)) >>> 0;
    for (let k = limb + 1; k < 4; k++) addr[k] = 0;
    if (cur < 0) {
      sink.push6(addr, codes.of(-1 - cur));
      continue;
    }
    for (let right = 1; right >= 0; right--) {
      const rec = db.record(cur, right === 1);
      const childDepth = depth + 1;
      // The IPv4 subtree is also reachable through alias paths (6to4,
      // Teredo); those are reserved space for us, so they count as no data.
      const leafHere = rec >= db.nodeCount || childDepth === 128 || rec === v4Root;
      nodes[top] = leafHere ? -1 - (rec >= db.nodeCount ? rec : db.nodeCount) : rec;
      depths[top] = childDepth;
      bits[top] = right;
      top++;
    }
  }
}

/** Walks the MMDB search tree and returns sorted country ranges for IPv4 and for 2000::/3. */
function flatten(db: MmdbFile): CountryDb {
  const codes = new CountryCodes(db);

  // IPv4: in an IPv6 tree the IPv4 space is ::/96, 96 left turns from the root.
  let v4Root = 0;
  let v4Leaf = -1;
  if (db.ipVersion === 6) {
    for (let i = 0; i < 96; i++) {
      v4Root = db.record(v4Root, false);
      if (v4Root >= db.nodeCount) {
        v4Leaf = v4Root;
        break;
      }
    }
  }
  const walk4 = (sink: RangeSink) => {
    if (v4Leaf === -1) walkV4(db, v4Root, codes, sink);
    else sink.push4(0, codes.of(v4Leaf));
  };

  // IPv6: only 2000::/3 is global unicast (see ip.ts); other space never reaches a lookup.
  let v6Node = 0;
  let v6Leaf = -1;
  if (db.ipVersion === 6) {
    for (const bit of [false, false, true]) {
      v6Node = db.record(v6Node, bit);
      if (v6Node >= db.nodeCount) {
        v6Leaf = v6Node;
        break;
      }
    }
  }
  const walk6 = (sink: RangeSink) => {
    if (db.ipVersion !== 6) return;
    if (v6Leaf === -1) walkV6(db, v6Node, v4Root, codes, sink);
    else sink.push6(new Uint32Array([0x20000000, 0, 0, 0]), codes.of(v6Leaf));
  };

  const count4 = new RangeSink();
  walk4(count4);
  const v4 = new RangeSink(new Uint32Array(count4.count), new Uint16Array(count4.count));
  walk4(v4);
  const count6 = new RangeSink();
  walk6(count6);
  const v6 = new RangeSink(new Uint32Array(count6.count * 4), new Uint16Array(count6.count));
  walk6(v6);

  return {
    codes: codes.codes,
    v4: { count: v4.count, index: buildIndex16(v4.starts!, v4.count), starts: v4.starts!, code: v4.code! },
    v6: { count: v6.count, starts: v6.starts!, code: v6.code! },
  };
}

/** flatten() over a database already in memory. */
export function flattenCountryMmdb(buf: Uint8Array): CountryDb {
  return flatten(MmdbFile.fromBuffer(buf));
}

/** flatten() reading the file a window at a time, never whole. */
export async function loadCountryDb(path: string): Promise<CountryDb> {
  const db = MmdbFile.open(path);
  try {
    return flatten(db);
  } finally {
    db.close();
  }
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
  const { default: maxmind } = await import('maxmind');
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
