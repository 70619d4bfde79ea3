import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { builtDir, builtFile } from './helpers.js';

/** The budget of dist/t.js in bytes of gzip -9 (see the README's size table). */
const BUDGET = 1200;

describe('the built tag', () => {
  it('stays within its budget of 1,200 bytes of gzip -9', () => {
    // Counted as `gzip -9 t.js` counts it, the budget's measure: that program's deflate and the
    // file name in its header came to 7 bytes more than zlib's bare stream.
    const gzip = spawnSync('gzip', ['-9', '-c', join(builtDir(), 't.js')]);
    const size = gzip.status === 0 ? gzip.stdout.length : gzipSync(builtFile('t.js'), { level: 9 }).length + 't.js'.length + 1;
    expect(size, `packages/tracker/dist/t.js is ${size} B of gzip -9, over the ${BUDGET} B budget: make it smaller (node bench/tracker-size.mjs)`).toBeLessThanOrEqual(
      BUDGET,
    );
  });

  it('needs neither eval nor new Function, so it runs under a strict Content-Security-Policy', () => {
    const code = builtFile('t.js');
    expect(code).not.toMatch(/\beval\b|\bFunction\s*\(|setTimeout\s*\(\s*["'`]/);
  });
});
