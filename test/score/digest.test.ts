import { describe, expect, it } from 'vitest';
import { Digest } from '../../packages/collector/src/score/digest.js';

const digest = (fill: (d: Digest) => Digest) => fill(new Digest()).value();

describe('Digest', () => {
  it('is a fixed 53-bit number for the same values, on any host', () => {
    // Stored beside each breakdown: a change here makes every company score again once, so it is pinned.
    expect(digest((d) => d)).toBe(5197458351730446);
    expect(digest((d) => d.text('v1-7868e062').number(3).optionalNumber(null).optionalText('Software').optionalText(null))).toBe(5407157758507485);
    expect(digest((d) => d.text(''))).toBe(5912331598475631);
    expect(Number.isSafeInteger(digest((d) => d.text('/pricing').number(2 ** 60)))).toBe(true);
  });

  it('tells apart values that differ anywhere', () => {
    const values = [
      digest((d) => d.number(1)),
      digest((d) => d.number(1.0000000001)),
      digest((d) => d.number(-0)),
      digest((d) => d.number(0)),
      digest((d) => d.optionalNumber(null)),
      digest((d) => d.optionalNumber(0)),
      digest((d) => d.text('').optionalText(null)),
      digest((d) => d.text('/pricing')),
      digest((d) => d.text('/pricinG')),
      digest((d) => d.text('/pricing/')),
      digest((d) => d.text('ab').text('c')),
      digest((d) => d.text('a').text('bc')),
      digest((d) => d.text('abc')),
      digest((d) => d.number(1).number(2)),
      digest((d) => d.number(2).number(1)),
    ];
    expect(new Set(values).size).toBe(values.length);
  });

  it('spreads single-character changes over the whole range', () => {
    const seen = new Set<number>();
    let high = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = digest((d) => d.text(`/blog/post-${i}`));
      seen.add(value);
      if (value >= 2 ** 52) high++;
    }
    expect(seen.size).toBe(10_000);
    // About half the digests have the top bit set.
    expect(high).toBeGreaterThan(4_500);
    expect(high).toBeLessThan(5_500);
  });
});
