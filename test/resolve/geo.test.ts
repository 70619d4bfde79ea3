// The flattened country ranges against the maxmind reader on the shipped database.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Reader } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { countryV4, countryV6, flattenCountryMmdb, loadCountryDb } from '../../packages/collector/src/resolve/geo.js';
import { bytesToLimbs } from '../../packages/collector/src/resolve/u128.js';

const mmdbPath = join(dirname(createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json')), 'geo-whois-asn-country.mmdb');
const buf = readFileSync(mmdbPath);
const reader = new Reader<Record<string, unknown>>(buf);
const expected = (ip: string) => (reader.get(ip)?.country_code as string | undefined)?.toUpperCase() ?? null;

let seed = 20261123;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const word = () => Math.floor(random() * 0x10000);

describe('flattenCountryMmdb', () => {
  const db = flattenCountryMmdb(buf);

  it('answers as the maxmind reader does for IPv4', () => {
    const wrong: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const n = Math.floor(random() * 2 ** 32);
      const ip = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
      if (countryV4(db, n) !== expected(ip)) wrong.push(ip);
    }
    expect(wrong).toEqual([]);
  });

  it('answers as the maxmind reader does under 2000::/3, except the IPv4 alias prefixes (no data)', () => {
    const wrong: string[] = [];
    const limbs = new Uint32Array(4);
    for (let i = 0; i < 100_000; i++) {
      const words = [0x2000 + (word() & 0x1fff), ...Array.from({ length: 7 }, word)];
      // 6to4 (2002::/16) and Teredo (2001::/32) lead back into the IPv4 tree.
      const alias = words[0] === 0x2002 || (words[0] === 0x2001 && words[1] === 0);
      const ip = words.map((w) => w.toString(16)).join(':');
      const bytes = new Uint8Array(words.flatMap((w) => [w >> 8, w & 255]));
      bytesToLimbs(bytes, limbs);
      if (countryV6(db, limbs) !== (alias ? null : expected(ip))) wrong.push(ip);
    }
    expect(wrong).toEqual([]);
  });

  it('holds sorted, merged ranges with the known sizes of the shipped data', () => {
    expect([db.v4.count, db.v6.count, db.codes.length]).toEqual([341_574, 275_357, 252]);
    expect(db.codes[0]).toBeNull();
    for (let i = 1; i < db.v4.count; i++) {
      if (!(db.v4.starts[i - 1] < db.v4.starts[i]) || db.v4.code[i - 1] === db.v4.code[i]) throw new Error(`v4 range ${i}`);
    }
    expect([countryV4(db, 0x08080808), countryV4(db, 0)]).toEqual(['US', null]);
  });

  it('loads the same ranges from the file', async () => {
    const loaded = await loadCountryDb(mmdbPath);
    expect(loaded.codes).toEqual(db.codes);
    expect(Buffer.compare(Buffer.from(loaded.v4.starts.buffer), Buffer.from(db.v4.starts.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(loaded.v6.starts.buffer), Buffer.from(db.v6.starts.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(loaded.v6.code.buffer), Buffer.from(db.v6.code.buffer))).toBe(0);
  });
});
