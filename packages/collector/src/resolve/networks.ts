// The IP-to-AS database in typed arrays: sorted range starts and ends, an AS
// index per range, and one table of AS numbers and organization names.
//
// Source: @ip-location-db/asn "-num" CSV files, rows `start,end,asn,org` with
// inclusive integer bounds (CC BY 4.0: RouteViews, DB-IP, NRO). Parsed by hand
// because a generic CSV parser is ~10x slower on 500k rows and the format is fixed.

import { closeSync, openSync, readSync } from 'node:fs';
import { OrgNamesBuilder, type OrgNames } from './org-names.js';
import { buildIndex16, decimalToLimbs, compareLimbs, searchLimbs, searchU32Indexed } from './u128.js';

export interface AsTable {
  /** Number of distinct ASes; ids are 0..count-1. */
  count: number;
  asn: Uint32Array;
  org: OrgNames;
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
  org = new OrgNamesBuilder();

  /** The id of `asn`; the organization text is kept only the first time an AS is seen. */
  id(asn: number, text: Uint8Array, orgStart: number, orgEnd: number): number {
    let id = asn < this.small.length ? this.small[asn] : (this.big.get(asn) ?? -1);
    if (id === -1) {
      id = this.asn.length;
      if (asn < this.small.length) this.small[asn] = id;
      else this.big.set(asn, id);
      this.asn.push(asn);
      this.org.add(text, orgStart, orgEnd);
    }
    return id;
  }

  build(): AsTable {
    return { count: this.asn.length, asn: Uint32Array.from(this.asn), org: this.org.build() };
  }
}

function grow(a: Uint32Array, size: number): Uint32Array {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}

/**
 * A cursor over `start,end,asn,org` lines in text[0..limit). Plain byte
 * loops: Buffer#indexOf goes through a JS wrapper per call and made parsing
 * twice as slow.
 */
class RowCursor {
  text: Uint8Array = Buffer.alloc(0);
  limit = 0;
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

  reset(text: Uint8Array, limit: number): void {
    this.text = text;
    this.limit = limit;
    this.pos = 0;
  }

  /** Advances to the next well-formed row; false at the limit. */
  next(): boolean {
    const t = this.text;
    const len = this.limit;
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

/**
 * Rows of a range table, added a chunk of lines at a time into arrays sized once
 * from the file's line count: no array is grown, copied or left behind for the GC.
 */
abstract class RangeRows {
  protected n = 0;
  protected sorted = true;
  protected starts: Uint32Array;
  protected ends: Uint32Array;
  protected as: Uint32Array;

  /** `limbs`: 32-bit words per bound (1 for IPv4, 4 for IPv6). */
  constructor(
    rows: number,
    private readonly limbs: number,
  ) {
    this.starts = new Uint32Array(rows * limbs);
    this.ends = new Uint32Array(rows * limbs);
    this.as = new Uint32Array(rows);
  }

  /** Only if the file grew since its lines were counted. */
  protected growIfFull(): void {
    if (this.n < this.as.length) return;
    const rows = this.n * 2 + 16;
    this.starts = grow(this.starts, rows * this.limbs);
    this.ends = grow(this.ends, rows * this.limbs);
    this.as = grow(this.as, rows);
  }
}

/** IPv4 rows: one limb per bound. */
class V4Builder extends RangeRows {
  constructor(rows: number) {
    super(rows, 1);
  }

  add(r: RowCursor, table: AsTableBuilder): void {
    const text = r.text;
    while (r.next()) {
      const s = parseUint(text, r.f0, r.e0);
      const e = parseUint(text, r.f1, r.e1);
      const a = parseUint(text, r.f2, r.e2);
      if (s < 0 || e < 0 || a < 0 || s > 0xffffffff || e > 0xffffffff || e < s) continue;
      this.growIfFull();
      const n = this.n;
      if (n > 0 && s < this.starts[n - 1]) this.sorted = false;
      this.starts[n] = s;
      this.ends[n] = e;
      this.as[n] = table.id(a, text, r.f3, r.e3);
      this.n = n + 1;
    }
  }

  build(): RangesV4 {
    const ranges: RangesV4 = { count: this.n, index: new Int32Array(0), starts: this.starts, ends: this.ends, as: this.as };
    if (!this.sorted) sortV4(ranges);
    removeOverlapsV4(ranges);
    ranges.index = buildIndex16(ranges.starts, ranges.count);
    return ranges;
  }
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
function removeOverlapsV4(r: RangesV4): void {
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
  // Views over the rows kept: a copy would briefly double the arrays, and
  // the few dropped rows are not worth it.
  r.count = w;
  r.starts = r.starts.subarray(0, w);
  r.ends = r.ends.subarray(0, w);
  r.as = r.as.subarray(0, w);
}

/** IPv6 rows, as V4Builder: 4 limbs per bound. */
class V6Builder extends RangeRows {
  constructor(rows: number) {
    super(rows, 4);
  }

  add(r: RowCursor, table: AsTableBuilder): void {
    const text = r.text;
    while (r.next()) {
      this.growIfFull();
      const n = this.n;
      const starts = this.starts;
      const ends = this.ends;
      if (!decimalToLimbs(text, r.f0, r.e0, starts, n * 4)) continue;
      if (!decimalToLimbs(text, r.f1, r.e1, ends, n * 4)) continue;
      const a = parseUint(text, r.f2, r.e2);
      if (a < 0 || compareLimbs(ends, n * 4, starts, n * 4) < 0) continue;
      if (n > 0 && compareLimbs(starts, n * 4, starts, (n - 1) * 4) < 0) this.sorted = false;
      this.as[n] = table.id(a, text, r.f3, r.e3);
      this.n = n + 1;
    }
  }

  build(): RangesV6 {
    const n = this.n;
    let { starts, ends, as } = this;
    if (!this.sorted) {
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
    return { count: w, starts: starts.subarray(0, w * 4), ends: ends.subarray(0, w * 4), as: as.subarray(0, w) };
  }
}

// Big enough that reads are few, small enough not to matter while it waits for the GC.
const CHUNK = 256 * 1024;

/** Newlines in `text`. Buffer#indexOf is memchr, and here each call skips a whole line: faster than a byte loop. */
function newlines(text: Buffer): number {
  let n = 0;
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) n++;
  return n;
}

/** Lines in a file, read a chunk at a time: an upper bound on its rows. */
function countLines(fd: number, buf: Buffer): number {
  let lines = 0;
  let last = 10;
  for (let pos = 0; ;) {
    const bytesRead = readSync(fd, buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const view = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    lines += newlines(view);
    last = view[bytesRead - 1];
  }
  return last === 10 ? lines : lines + 1;
}

/**
 * Feeds a file to `add` in chunks of whole lines, so the file is never in
 * memory at once: a whole 21 MB read stays resident until a full GC.
 */
function readLines(fd: number, buf: Buffer, add: (r: RowCursor) => void): void {
  const r = new RowCursor();
  let text = buf;
  let kept = 0; // bytes of an unfinished line at the start of `text`
  for (let pos = 0; ;) {
    if (kept === text.length) {
      // A line longer than the buffer: make room (never with the shipped data).
      const bigger = Buffer.allocUnsafe(text.length * 2);
      text.copy(bigger, 0, 0, kept);
      text = bigger;
    }
    const bytesRead = readSync(fd, text, kept, text.length - kept, pos);
    pos += bytesRead;
    const filled = kept + bytesRead;
    // At the end of the file the last line needs no newline.
    const limit = bytesRead === 0 ? filled : text.lastIndexOf(10, filled - 1) + 1;
    r.reset(text, limit);
    add(r);
    if (bytesRead === 0) return;
    kept = filled - limit;
    text.copyWithin(0, limit, filled);
  }
}

function parseFile<B extends { add(r: RowCursor, table: AsTableBuilder): void }>(path: string, buf: Buffer, table: AsTableBuilder, builder: (rows: number) => B): B {
  const fd = openSync(path, 'r');
  try {
    // Arrays sized from a first pass over the file: far cheaper than growing and copying them.
    const b = builder(countLines(fd, buf));
    readLines(fd, buf, (r) => b.add(r, table));
    return b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads both CSV files. Synchronous reads of small chunks: the data is
 * parsed on this thread anyway, and hundreds of thread-pool round trips
 * only added waiting.
 */
export async function loadAsDatabase(v4Path: string, v6Path: string): Promise<AsDatabase> {
  const buf = Buffer.allocUnsafe(CHUNK);
  const table = new AsTableBuilder();
  const v4 = parseFile(v4Path, buf, table, (rows) => new V4Builder(rows));
  const v6 = parseFile(v6Path, buf, table, (rows) => new V6Builder(rows));
  return { table: table.build(), v4: v4.build(), v6: v6.build() };
}

/** Parses CSV text already in memory (tests and tools). */
export function parseAsDatabase(v4Text: string, v6Text: string): AsDatabase {
  const table = new AsTableBuilder();
  const r = new RowCursor();
  const t4 = Buffer.from(v4Text);
  const v4 = new V4Builder(newlines(t4) + 1);
  r.reset(t4, t4.length);
  v4.add(r, table);
  const t6 = Buffer.from(v6Text);
  const v6 = new V6Builder(newlines(t6) + 1);
  r.reset(t6, t6.length);
  v6.add(r, table);
  return { table: table.build(), v4: v4.build(), v6: v6.build() };
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
