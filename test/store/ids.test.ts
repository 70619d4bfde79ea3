import { describe, expect, it } from 'vitest';
import { newApiKey, newSessionId, randomBase62 } from '../../packages/collector/src/store/ids.js';

describe('random ids', () => {
  it('draws ids of the asked length from the base62 alphabet only', () => {
    expect(randomBase62(16)).toMatch(/^[0-9A-Za-z]{16}$/);
    expect(newSessionId()).toMatch(/^[0-9A-Za-z]{8}$/);
    expect(newApiKey()).toMatch(/^cv_live_[0-9A-Za-z]{32}$/);
  });

  it('never repeats an id across many refills of the random pool', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => randomBase62(16)));
    expect(ids.size).toBe(20_000);
  });

  it('uses every character about equally often, so no id is likelier than another', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) for (const c of randomBase62(62)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 5,000 per character expected; 10 standard deviations (about 700) either side.
    for (const n of counts.values()) expect(Math.abs(n - 5_000)).toBeLessThan(700);
  });
});
