import { describe, expect, it } from 'vitest';
import { isJsonSafe } from '../../packages/collector/src/store/read-transport.js';

describe('what a read thread may send as JSON text', () => {
  it('takes plain rows of strings, finite numbers, booleans and nulls, nested in plain objects and arrays', () => {
    expect(isJsonSafe({ rows: [{ id: 'c1', score: 87, ratio: 0.5, watched: false, name: null }], total: 1, next: null })).toBe(true);
    expect(isJsonSafe([[1, 'a'], { a: { b: [] } }])).toBe(true);
    expect(isJsonSafe(Object.assign(Object.create(null), { a: 1 }))).toBe(true);
    expect(isJsonSafe(null)).toBe(true);
  });

  it('refuses what JSON would change or drop, so that it goes by structured clone instead', () => {
    expect(isJsonSafe({ rows: [{ visitor: Buffer.from('ab') }] })).toBe(false);
    expect(isJsonSafe({ n: 10n })).toBe(false);
    expect(isJsonSafe({ n: Number.NaN })).toBe(false);
    expect(isJsonSafe({ n: Number.POSITIVE_INFINITY })).toBe(false);
    expect(isJsonSafe({ a: undefined })).toBe(false);
    expect(isJsonSafe([undefined])).toBe(false);
    expect(isJsonSafe({ at: new Date(0) })).toBe(false);
    expect(isJsonSafe({ m: new Map([[1, 2]]) })).toBe(false);
    expect(isJsonSafe({ s: new Set([1]) })).toBe(false);
    expect(isJsonSafe({ f: () => 1 })).toBe(false);
  });
});
