// Shared helpers for the benchmark scripts: medians, tables, result files, ports and the collector's start.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function saveResult(name, data) {
  mkdirSync('.bench', { recursive: true });
  writeFileSync(`.bench/${name}.json`, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...data }, null, 2)}\n`);
}

/** A seeded generator: the same synthetic data on every run and every machine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A free TCP port on 127.0.0.1. */
export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** The collector's Node arguments as `npm start` runs it (package.json's start script, with the same Node flags), paths made absolute. */
export const collectorStartArgs = (root) =>
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    .scripts.start.split(/\s+/)
    .slice(1)
    .map((arg) => (arg.endsWith('.js') || arg.endsWith('.mjs') ? join(root, arg) : arg));

/** Resolves once url answers at all (any status), polling every 50 ms, at most `tries` times. */
export async function waitUntilUp(url, tries = 300) {
  for (let i = 0; i < tries; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} did not come up`);
}
