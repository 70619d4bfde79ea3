import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIndex16, bytesToLimbs, decimalToLimbs, searchLimbs, searchU32, searchU32Indexed } from '../../packages/collector/src/resolve/u128.js';

const ascii = (s: string) => new TextEncoder().encode(s);
function limbs(dec: string): number[] | null {
  const out = new Uint32Array(4);
  return decimalToLimbs(ascii(dec), 0, dec.length, out, 0) ? Array.from(out) : null;
}

describe('decimalToLimbs', () => {
  it('turns 128-bit decimals into four big-endian uint32 limbs', () => {
    expect(limbs('0')).toEqual([0, 0, 0, 0]);
    expect(limbs('4294967296')).toEqual([0, 0, 1, 0]);
    // 2001:db8:: as the -num CSV writes it.
    expect(limbs('42540766411282592856903984951653826560')).toEqual([0x20010db8, 0, 0, 0]);
    expect(limbs('340282366920938463463374607431768211455')).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  });

  it('agrees with BigInt on any 128-bit value, with or without leading zeros', () => {
    const toLimbs = (v: bigint) => [96n, 64n, 32n, 0n].map((s) => Number((v >> s) & 0xffffffffn));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.nat(3), (v, zeros) => {
        expect(limbs('0'.repeat(zeros) + v.toString())).toEqual(toLimbs(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses overflow and non-digits', () => {
    expect(limbs('340282366920938463463374607431768211456')).toBeNull();
    expect(limbs('12a')).toBeNull();
  });
});

describe('searches', () => {
  it('finds the last IPv6 range start at or below a key', () => {
    const starts = new Uint32Array([0x20000000, 0, 0, 0, 0x20010db8, 0, 0, 0, 0x2a000000, 0, 0, 5]);
    const key = new Uint32Array(4);
    bytesToLimbs(new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), key);
    expect(searchLimbs(starts, 3, key)).toBe(1);
    key.set([0x1fffffff, 0, 0, 0]);
    expect(searchLimbs(starts, 3, key)).toBe(-1);
    key.set([0x2a000000, 0, 0, 5]);
    expect(searchLimbs(starts, 3, key)).toBe(2);
  });

  it('gives the same answers with the /16 index as without it', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed);
    const starts = Uint32Array.from(Array.from({ length: 5000 }, rand).sort((a, b) => a - b));
    const index = buildIndex16(starts, starts.length);
    const keys = [0, 1, starts[0], starts[0] - 1, starts[4999], 0xffffffff, ...Array.from({ length: 20000 }, rand)];
    for (const k of keys) expect(searchU32Indexed(starts, index, k >>> 0)).toBe(searchU32(starts, starts.length, k >>> 0));
  });
});
