import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Reader } from 'maxmind';
import { afterAll, describe, expect, it } from 'vitest';
import { flattenCountryMmdb, loadCountryDb } from '../../packages/collector/src/resolve/geo.js';
import { DataDecoder, MmdbFile } from '../../packages/collector/src/resolve/mmdb.js';

const dir = mkdtempSync(join(tmpdir(), 'cv-mmdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A minimal MMDB encoder for the values used here (strings under 29 bytes, small unsigned ints, maps).
const str = (s: string) => [0x40 | Buffer.byteLength(s), ...Buffer.from(s)];
const uint = (type: 5 | 6, v: number) => {
  const bytes: number[] = [];
  for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
  return [(type << 5) | bytes.length, ...bytes];
};
const map = (entries: [string, number[]][]) => [0xe0 | entries.length, ...entries.flatMap(([k, v]) => [...str(k), ...v])];

/** An IPv4 MMDB with 24-bit records: nodes[i] = [left, right], records as in the file. */
function mmdb(nodes: [number, number][], data: number[], extraMetadata: [string, number[]][] = []): Buffer {
  const tree = nodes.flatMap(([l, r]) => [l >> 16, (l >> 8) & 255, l & 255, r >> 16, (r >> 8) & 255, r & 255]);
  const metadata = map([['node_count', uint(6, nodes.length)], ['record_size', uint(5, 24)], ['ip_version', uint(5, 4)], ...extraMetadata]);
  return Buffer.from([...tree, ...new Array(16).fill(0), ...data, 0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com'), ...metadata]);
}

describe('DataDecoder', () => {
  const decode = (bytes: number[], at = 0, base = 0) => new DataDecoder(Uint8Array.from(bytes), base).decode(at);

  it('decodes each data type', () => {
    expect(decode(str('DE'))).toBe('DE');
    expect(decode([0x40])).toBe('');
    expect(decode(uint(5, 443))).toBe(443);
    expect(decode(uint(6, 0xfffffffe))).toBe(0xfffffffe);
    expect(decode([0xc0])).toBe(0); // uint32 of no bytes
    expect(decode([0x04, 0x01, 0xff, 0xff, 0xff, 0xfe])).toBe(-2); // int32 (extended type 8)
    expect(decode([0x02, 0x01, 0x01, 0x00])).toBe(256); // int32 in two bytes
    expect(decode([0x08, 0x02, ...new Array(8).fill(0xff)])).toBe(2n ** 64n - 1n); // uint64
    expect(decode([0x04, 0x02, 0x5e, 0x8c, 0x2b, 0x00])).toBe(1586244352); // uint64, safe as a number
    expect(decode([0x10, 0x03, ...new Array(16).fill(0xff)])).toBe(2n ** 128n - 1n); // uint128
    expect(decode([0x01, 0x07])).toBe(true); // boolean (extended type 14)
    expect(decode([0x00, 0x07])).toBe(false);
    expect(decode([0x68, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18])).toBe(3.141592653589793); // double
    expect(decode([0x04, 0x08, 0x3f, 0xc0, 0x00, 0x00])).toBe(1.5); // float (extended type 15)
    expect(decode([0x83, 1, 2, 3])).toEqual(Uint8Array.from([1, 2, 3])); // bytes
    expect(decode([0x02, 0x04, ...str('a'), ...uint(5, 7)])).toEqual(['a', 7]); // array (extended type 11)
    expect(
      decode(
        map([
          ['country_code', str('us')],
          ['n', uint(5, 1)],
        ]),
      ),
    ).toEqual({ country_code: 'us', n: 1 });
  });

  it('reads the long size forms', () => {
    for (const n of [28, 29, 284, 285, 65820, 65821, 70000]) {
      const text = 'x'.repeat(n);
      const size =
        n < 29
          ? [0x40 | n]
          : n < 285
            ? [0x5d, n - 29]
            : n < 65821
              ? [0x5e, (n - 285) >> 8, (n - 285) & 255]
              : [0x5f, (n - 65821) >> 16, ((n - 65821) >> 8) & 255, (n - 65821) & 255];
      expect(decode([...size, ...Buffer.from(text)])).toBe(text);
    }
  });

  it('follows pointers of each size, relative to the base', () => {
    const target = (p: number) => {
      const bytes = new Array<number>(p + 600_000).fill(0);
      bytes.splice(10 + p, 3, ...str('hi'));
      return bytes;
    };
    const at = (pointer: number[], p: number) => {
      const bytes = target(p);
      bytes.splice(0, pointer.length, ...pointer);
      return decode(bytes, 0, 10);
    };
    expect(at([0x20 | 0x01, 0x02], 0x102)).toBe('hi'); // size 0: 11 bits
    expect(at([0x28 | 0x00, 0x01, 0x00], 256 + 2048)).toBe('hi'); // size 1: + 2048
    expect(at([0x30 | 0x00, 0x00, 0x01, 0x00], 256 + 526336)).toBe('hi'); // size 2: + 526336
    expect(at([0x38, 0x00, 0x00, 0x01, 0x00], 256)).toBe('hi'); // size 3: 32 bits
    // A map whose value is a pointer, then the next key: the cursor resumes after the pointer.
    const bytes = [0xe2, ...str('a'), 0x20, 0x0b, ...str('b'), ...uint(5, 2), 0, 0, ...str('ptr')];
    expect(decode(bytes)).toEqual({ a: 'ptr', b: 2 });
  });
});

describe('MmdbFile', () => {
  // 0.0.0.0/2: no data; 64.0.0.0/3: DE; 96.0.0.0/3 and 128.0.0.0/1: US.
  // Nodes numbered out of depth-first order: the root is 0, its left child 2, that one's right child 1.
  const DE = 0;
  const US = 32;
  const data = map([['country_code', str('de')]]);
  while (data.length < US) data.push(0);
  data.push(...map([['country', map([['iso_code', str('US')]])]]));
  const leaf = (offset: number) => 3 + 16 + offset;
  const buf = mmdb(
    [
      [2, leaf(US)],
      [leaf(DE), leaf(US)],
      [3, 1],
    ],
    data,
    [['database_type', str('test')]],
  );
  const path = join(dir, 'tiny.mmdb');
  writeFileSync(path, buf);

  it('reads metadata, records and data records, from a file or a buffer', () => {
    for (const db of [MmdbFile.open(path), MmdbFile.open(path, 6), MmdbFile.open(path, 1), MmdbFile.fromBuffer(buf)]) {
      expect([db.nodeCount, db.recordSize, db.ipVersion]).toEqual([3, 24, 4]);
      expect([db.record(0, false), db.record(0, true), db.record(2, true), db.record(1, false), db.record(2, false)]).toEqual([2, leaf(US), 1, leaf(DE), 3]);
      expect([db.data(leaf(DE)), db.data(leaf(US))]).toEqual([{ country_code: 'de' }, { country: { iso_code: 'US' } }]);
      expect(() => db.record(3, false)).toThrow(/outside the search tree/);
      db.close();
    }
  });

  it('flattens to country ranges whatever the node order', async () => {
    const expected = {
      codes: [null, 'DE', 'US'],
      v4: { count: 3, starts: [0, 0x40000000, 0x60000000], code: [0, 1, 2] },
      v6: { count: 0, starts: [], code: [] },
    };
    for (const db of [flattenCountryMmdb(buf), await loadCountryDb(path)]) {
      expect({
        codes: db.codes,
        v4: { count: db.v4.count, starts: Array.from(db.v4.starts), code: Array.from(db.v4.code) },
        v6: { count: db.v6.count, starts: Array.from(db.v6.starts), code: Array.from(db.v6.code) },
      }).toEqual(expected);
    }
  });

  it('reads every record of the shipped database as the whole file does, through a small window, in any order', () => {
    const shipped = join(dirname(createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json')), 'geo-whois-asn-country.mmdb');
    const whole = readFileSync(shipped);
    const md = new Reader(whole).metadata;
    const a = MmdbFile.fromBuffer(whole);
    const b = MmdbFile.open(shipped, 4096);
    expect([b.nodeCount, b.recordSize, b.ipVersion]).toEqual([md.nodeCount, md.recordSize, md.ipVersion]);
    let seed = 7;
    const differ: number[] = [];
    // Forward first (the window slides), then random (it falls back to reading the tree whole).
    for (let i = 0; i < 200_000; i++) {
      const node = i < 100_000 ? i * 13 : (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % md.nodeCount;
      if (a.record(node, i % 2 === 0) !== b.record(node, i % 2 === 0)) differ.push(node);
    }
    b.close();
    expect(differ).toEqual([]);
  });
});
