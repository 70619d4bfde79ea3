// The IP-to-AS database in typed arrays: sorted range starts and ends, an AS
// index per range, and one table of AS numbers and organization names.
//
// Source: @ip-location-db/asn "-num" CSV files, rows `start,end,asn,org` with
// inclusive integer bounds (CC BY 4.0: RouteViews, DB-IP, NRO). Parsed by hand
// because a generic CSV parser is ~10x slower on 500k rows and the format is fixed.

import { readFile } from 'node:fs/promises';
import { buildIndex16, decimalToLimbs, compareLimbs, searchLimbs, searchU32Indexed } from './u128.js';

export interface AsTable {
  /** Number of distinct ASes; ids are 0..count-1. */
  count: number;
  asn: Uint32Array;
  org: string[];
}

export interface RangesV4 {
  count: number;
  /** /16 index over starts (u128.ts buildIndex16). */
  index: Int32Array;
  starts: Uint32Array;
  ends: Uint32Array;
  as: Uint32Array; // AS id per range
}

export interface RangesV6 {
  count: number;
  starts: Uint32Array; // 4 limbs per range
  ends: Uint32Array;
  as: Uint32Array;
}

export interface AsDatabase {
  table: AsTable;
  v4: RangesV4;
  v6: RangesV6;
}

class AsTableBuilder {
  // Most AS numbers are below 2^19 (about 400,000 are assigned): a flat array
  // finds their ids faster than a Map; the rest (private-use 4-byte) use a Map.
  private small = new Int32Array(1 << 19).fill(-1);
  private big = new Map<number, number>();
  asn: number[] = [];
  org: string[] = [];

  /** The id of `asn`; the organization text is decoded only the first time an AS is seen. */
  id(asn: number, text: Uint8Array, orgStart: number, orgEnd: number): number {
    let id = asn < this.small.length ? this.small[asn] : (this.big.get(asn) ?? -1);
    if (id === -1) {
      id = this.asn.length;
      if (asn < this.small.length) this.small[asn] = id;
      else this.big.set(asn, id);
      this.asn.push(asn);
      this.org.push(decodeOrg(text, orgStart, orgEnd));
    }
    return id;
  }

  build(): AsTable {
    return { count: this.asn.length, asn: Uint32Array.from(this.asn), org: this.org };
  }
}

const utf8 = new TextDecoder();

/**
 * The org field: bare text, or "quoted" with "" for a quote. Decoded from the
 * bytes so each name is its own small string (a slice of one big decoded file
 * would keep the whole file alive in the heap).
 */
function decodeOrg(text: Uint8Array, start: number, end: number): string {
  if (text[start] === 34 && end - start >= 2 && text[end - 1] === 34) {
    return utf8.decode(text.subarray(start + 1, end - 1)).replaceAll('""', '"').trim();
  }
  return utf8.decode(text.subarray(start, end)).trim();
}

/** First guess at the row count (real rows average 50+ bytes); arrays grow if it is short. */
function guessRows(text: Uint8Array): number {
  return Math.ceil(text.length / 32) + 16;
}

function grow(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}

/**
 * A cursor over `start,end,asn,org` lines. Plain byte loops: Buffer#indexOf
 * goes through a JS wrapper per call and made parsing twice as slow.
 */
class RowCursor {
  pos = 0;
  // Field bounds of the current row.
  f0 = 0;
  e0 = 0;
  f1 = 0;
  e1 = 0;
  f2 = 0;
  e2 = 0;
  f3 = 0;
  e3 = 0;

  constructor(private readonly text: Uint8Array) {}

  /** Advances to the next well-formed row; false at the end of the file. */
  next(): boolean {
    const t = this.text;
    const len = t.length;
    while (this.pos < len) {
      const lineStart = this.pos;
      let i = lineStart;
      let commas = 0;
      this.f0 = i;
      while (i < len && commas < 3) {
        const c = t[i];
        if (c === 10) break;
        if (c === 44) {
          if (commas === 0) {
            this.e0 = i;
            this.f1 = i + 1;
          } else if (commas === 1) {
            this.e1 = i;
            this.f2 = i + 1;
          } else {
            this.e2 = i;
            this.f3 = i + 1;
          }
          commas++;
        }
        i++;
      }
      // The org runs to the end of the line; a quoted org may hold commas but no newline.
      while (i < len && t[i] !== 10) i++;
      let end = i;
      if (end > lineStart && t[end - 1] === 13) end--; // tolerate CRLF
      this.e3 = end;
      this.pos = i + 1;
      if (commas === 3) return true;
    }
    return false;
  }
}

function parseUint(text: Uint8Array, start: number, end: number): number {
  if (start === end || end - start > 10) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = text[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function parseV4(text: Uint8Array, table: AsTableBuilder): RangesV4 {
  let cap = guessRows(text);
  let starts: Uint32Array = new Uint32Array(cap);
  let ends: Uint32Array = new Uint32Array(cap);
  let as: Uint32Array = new Uint32Array(cap);
  let n = 0;
  let sorted = true;
  const r = new RowCursor(text);
  while (r.next()) {
    const s = parseUint(text, r.f0, r.e0);
    const e = parseUint(text, r.f1, r.e1);
    const a = parseUint(text, r.f2, r.e2);
    if (s < 0 || e < 0 || a < 0 || s > 0xffffffff || e > 0xffffffff || e < s) continue;
    if (n === cap) {
      cap *= 2;
      starts = grow(starts, cap);
      ends = grow(ends, cap);
      as = grow(as, cap);
    }
    if (n > 0 && s < starts[n - 1]) sorted = false;
    starts[n] = s;
    ends[n] = e;
    as[n] = table.id(a, text, r.f3, r.e3);
    n++;
  }
  const ranges = { count: n, index: new Int32Array(0), starts, ends, as };
  if (!sorted) sortV4(ranges);
  const clean = removeOverlapsV4(ranges);
  clean.index = buildIndex16(clean.starts, clean.count);
  return clean;
}

function sortV4(r: RangesV4): void {
  const idx = Array.from({ length: r.count }, (_, i) => i).sort((x, y) => r.starts[x] - r.starts[y]);
  const s = r.starts.slice(0, r.count);
  const e = r.ends.slice(0, r.count);
  const a = r.as.slice(0, r.count);
  idx.forEach((from, to) => {
    r.starts[to] = s[from];
    r.ends[to] = e[from];
    r.as[to] = a[from];
  });
}

/**
 * Binary search needs disjoint ranges. The packaged data has a few overlaps
 * (e.g. two DoD ASes at 3607101440); the earlier row keeps its addresses and
 * the later one is clipped to start after it, which keeps each lookup exact.
 */
function removeOverlapsV4(r: RangesV4): RangesV4 {
  let w = 0;
  for (let i = 0; i < r.count; i++) {
    let s = r.starts[i];
    const e = r.ends[i];
    if (w > 0 && s <= r.ends[w - 1]) s = r.ends[w - 1] + 1;
    if (s > e) continue;
    r.starts[w] = s;
    r.ends[w] = e;
    r.as[w] = r.as[i];
    w++;
  }
  // Shrink to the rows kept so the arrays hold no dead capacity.
  return { count: w, index: r.index, starts: r.starts.slice(0, w), ends: r.ends.slice(0, w), as: r.as.slice(0, w) };
}

function parseV6(text: Uint8Array, table: AsTableBuilder): RangesV6 {
  let cap = guessRows(text);
  let starts: Uint32Array = new Uint32Array(cap * 4);
  let ends: Uint32Array = new Uint32Array(cap * 4);
  let as: Uint32Array = new Uint32Array(cap);
  let n = 0;
  let sorted = true;
  const r = new RowCursor(text);
  while (r.next()) {
    if (n === cap) {
      cap *= 2;
      starts = grow(starts, cap * 4);
      ends = grow(ends, cap * 4);
      as = grow(as, cap);
    }
    if (!decimalToLimbs(text, r.f0, r.e0, starts, n * 4)) continue;
    if (!decimalToLimbs(text, r.f1, r.e1, ends, n * 4)) continue;
    const a = parseUint(text, r.f2, r.e2);
    if (a < 0 || compareLimbs(ends, n * 4, starts, n * 4) < 0) continue;
    if (n > 0 && compareLimbs(starts, n * 4, starts, (n - 1) * 4) < 0) sorted = false;
    as[n] = table.id(a, text, r.f3, r.e3);
    n++;
  }
  if (!sorted) {
    const idx = Array.from({ length: n }, (_, i) => i).sort((x, y) => compareLimbs(starts, x * 4, starts, y * 4));
    const s2 = new Uint32Array(n * 4);
    const e2 = new Uint32Array(n * 4);
    const a2 = new Uint32Array(n);
    idx.forEach((from, to) => {
      s2.set(starts.subarray(from * 4, from * 4 + 4), to * 4);
      e2.set(ends.subarray(from * 4, from * 4 + 4), to * 4);
      a2[to] = as[from];
    });
    starts = s2;
    ends = e2;
    as = a2;
  }
  // Same overlap rule as IPv4: the earlier row wins; a row starting inside
  // the previous range is dropped (IPv6 overlaps are rare enough that
  // clipping 128-bit bounds is not worth the code).
  let w = 0;
  for (let i = 0; i < n; i++) {
    if (w > 0 && compareLimbs(starts, i * 4, ends, (w - 1) * 4) <= 0) continue;
    if (w !== i) {
      starts.copyWithin(w * 4, i * 4, i * 4 + 4);
      ends.copyWithin(w * 4, i * 4, i * 4 + 4);
      as[w] = as[i];
    }
    w++;
  }
  return { count: w, starts: starts.slice(0, w * 4), ends: ends.slice(0, w * 4), as: as.slice(0, w) };
}

export async function loadAsDatabase(v4Path: string, v6Path: string): Promise<AsDatabase> {
  const [t4, t6] = await Promise.all([readFile(v4Path), readFile(v6Path)]);
  const table = new AsTableBuilder();
  const v4 = parseV4(t4, table);
  const v6 = parseV6(t6, table);
  return { table: table.build(), v4, v6 };
}

/** Parses CSV text already in memory (tests and tools). */
export function parseAsDatabase(v4Text: string, v6Text: string): AsDatabase {
  const table = new AsTableBuilder();
  const enc = new TextEncoder();
  const v4 = parseV4(enc.encode(v4Text), table);
  const v6 = parseV6(enc.encode(v6Text), table);
  return { table: table.build(), v4, v6 };
}

/** AS id for an IPv4 address as uint32, or -1. */
export function lookupV4(db: AsDatabase, ip: number): number {
  const i = searchU32Indexed(db.v4.starts, db.v4.index, ip);
  return i >= 0 && ip <= db.v4.ends[i] ? db.v4.as[i] : -1;
}

/** AS id for an IPv6 address as 4 limbs, or -1. */
export function lookupV6(db: AsDatabase, limbs: Uint32Array): number {
  const i = searchLimbs(db.v6.starts, db.v6.count, limbs);
  return i >= 0 && compareLimbs(limbs, 0, db.v6.ends, i * 4) <= 0 ? db.v6.as[i] : -1;
}
