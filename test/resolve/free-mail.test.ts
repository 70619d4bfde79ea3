import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadFreeMailDomains, parseSetLiteral } from '../../packages/collector/src/resolve/free-mail.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseSetLiteral', () => {
  it('reads the string literals of a Set in JS source, once each', () => {
    const set = parseSetLiteral(bytes('exports.DOMAINS = new Set([\n    "a.com",\n    "bücher.de",\n    "a.com",\n    "b.org"\n]);\n'))!;
    expect(set.size).toBe(3);
    expect(['a.com', 'bücher.de', 'b.org'].map((d) => set.has(d))).toEqual([true, true, true]);
  });

  it('answers only exact matches', () => {
    const set = parseSetLiteral(bytes('new Set(["a.com", "bücher.de",])'))!;
    const misses = ['', 'a.co', 'a.comm', 'A.COM', ' a.com', 'xa.com', 'bucher.de', 'bücher.d', 'bücher.de\uD800', '\uD800a.com'];
    expect(misses.filter((d) => set.has(d))).toEqual([]);
    expect(set.has('a'.repeat(300))).toBe(false);
    expect(set.has('ü'.repeat(255))).toBe(false);
  });

  it('holds an empty list', () => {
    expect(parseSetLiteral(bytes('new Set([])'))!.size).toBe(0);
  });

  it('refuses text of another shape instead of guessing', () => {
    for (const text of [
      'const x = ["a.com"];',
      'new Set(["a\\u0063.com"])',
      'new Set(["a.com" "b.com"])',
      'new Set(["a.com", b])',
      'new Set(["a.com"',
      `new Set(["${'a'.repeat(256)}"])`,
      'new Set(["a\n.com"])',
    ]) {
      expect(parseSetLiteral(bytes(text)), text).toBeNull();
    }
    expect(parseSetLiteral(new Uint8Array([...bytes('new Set(["a'), 0xff, ...bytes('"])')]))).toBeNull();
  });
});

describe('loadFreeMailDomains', () => {
  it('holds exactly the domains the installed package exports', () => {
    const pkg = createRequire(import.meta.url)('free-email-domains-list/build/src/constants.js') as { DOMAINS: Set<string> };
    const set = loadFreeMailDomains();
    expect(set).not.toBeInstanceOf(Set); // read from the text, not required
    expect(set.size).toBe(pkg.DOMAINS.size);
    const missing = [...pkg.DOMAINS].filter((d) => !set.has(d));
    expect(missing).toEqual([]);
    const near = [...pkg.DOMAINS].flatMap((d) => [`${d}.`, `x${d}`, d.slice(1)]).filter((d) => !pkg.DOMAINS.has(d) && set.has(d));
    expect(near).toEqual([]);
  });
});
