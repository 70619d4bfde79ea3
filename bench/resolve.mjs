#!/usr/bin/env node
// IP resolution throughput and data cost: full resolutions per second (AS,
// organization, classification, country) cold (cache off, distinct addresses)
// and cached, on one core; data load time and RSS/heap growth of the loaded
// databases (also before any GC: what an idle process keeps), each load in a
// fresh process. Standalone; run by `npm run bench`
// after `npm run build` (it imports the compiled dist). Prints a markdown table
// and writes .bench/resolve.json.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median, mulberry32, saveResult, table } from './lib.mjs';

const RUNS = 5;
const COLD_IPS = 500_000;
const HOT_IPS = 10_000;
const HOT_CALLS = 5_000_000;
const TARGET_COLD = 500_000;
const TARGET_HOT = 3_000_000;

const distUrl = new URL('../packages/collector/dist/resolve/resolver.js', import.meta.url);

async function loadResolverModule() {
  try {
    return await import(distUrl.href);
  } catch (error) {
    console.error(`bench/resolve: cannot load ${fileURLToPath(distUrl)}; run \`npm run build\` first.\n${error.message}`);
    process.exit(1);
  }
}

// Child mode: measure one data load in a fresh process and print JSON.
if (process.argv[2] === '--load') {
  const { createResolver } = await loadResolverModule();
  globalThis.gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const r = await createResolver({ cache: { max: 0, ttlMs: 0 } });
  const loadMs = performance.now() - t0;
  // What an idle collector keeps: nothing makes V8 collect right after start.
  const settled = process.memoryUsage();
  r.resolve('s', '8.8.8.8');
  globalThis.gc?.();
  await new Promise((res) => setTimeout(res, 50));
  globalThis.gc?.();
  const after = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({
      loadMs,
      rssMB: (after.rss - before.rss) / 2 ** 20,
      rssNoGcMB: (settled.rss - before.rss) / 2 ** 20,
      heapMB: (after.heapUsed - before.heapUsed) / 2 ** 20,
      arrayBuffersMB: (after.arrayBuffers - before.arrayBuffers) / 2 ** 20,
    }),
  );
  process.exit(0);
}

const random = mulberry32(20261123);

// Public-looking addresses: 90% IPv4 over routed unicast space (first octet
// 1-223, skipping 10/127), 10% IPv6 under 2000::/3 (as visitors arrive).
function randomIp() {
  if (random() < 0.9) {
    let a;
    do a = 1 + Math.floor(random() * 223);
    while (a === 10 || a === 127);
    return `${a}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
  }
  const g = () => Math.floor(random() * 0x10000).toString(16);
  return `${(0x2000 + Math.floor(random() * 0x1000)).toString(16)}:${g()}:${g()}:${g()}::${g()}`;
}

const { createResolver } = await loadResolverModule();

// Loads: fresh processes, with --expose-gc for honest heap numbers.
const loads = [];
for (let i = 0; i < RUNS; i++) {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--load'], { encoding: 'utf8' });
  if (child.status !== 0) {
    console.error(child.stderr);
    process.exit(1);
  }
  loads.push(JSON.parse(child.stdout));
}

const coldIps = Array.from({ length: COLD_IPS }, randomIp);
const hotIps = Array.from({ length: HOT_IPS }, randomIp);

const cold = await createResolver({ cache: { max: 0, ttlMs: 0 } });
// The cache keeps only answers that needed more than the shipped tables: a site with identity data.
const hot = await createResolver({ cache: { max: 100_000, ttlMs: 10 * 60 * 1000 }, identity: () => null });

// One warm-up pass each so the JIT has settled before timing.
for (let i = 0; i < 100_000; i++) cold.resolve('site', coldIps[i]);
for (const ip of hotIps) hot.resolve('site', ip);

const coldRates = [];
const hotRates = [];
let sink = 0;
for (let run = 0; run < RUNS; run++) {
  let t = performance.now();
  for (let i = 0; i < COLD_IPS; i++) sink += cold.resolve('site', coldIps[i]).asn ?? 0;
  coldRates.push(COLD_IPS / ((performance.now() - t) / 1000));

  t = performance.now();
  for (let i = 0; i < HOT_CALLS; i++) sink += hot.resolve('site', hotIps[i % HOT_IPS]).asn ?? 0;
  hotRates.push(HOT_CALLS / ((performance.now() - t) / 1000));
}

const result = {
  runs: RUNS,
  coldPerSecond: Math.round(median(coldRates)),
  cachedPerSecond: Math.round(median(hotRates)),
  loadMs: Math.round(median(loads.map((l) => l.loadMs))),
  rssGrowthMB: +median(loads.map((l) => l.rssMB)).toFixed(1),
  rssGrowthNoGcMB: +median(loads.map((l) => l.rssNoGcMB)).toFixed(1),
  heapGrowthMB: +median(loads.map((l) => l.heapMB)).toFixed(1),
  arrayBuffersMB: +median(loads.map((l) => l.arrayBuffersMB)).toFixed(1),
  info: cold.info,
  targets: { coldPerSecond: TARGET_COLD, cachedPerSecond: TARGET_HOT, loadMs: 2000 },
  node: process.version,
};

const fmt = (n) => n.toLocaleString('en-US');
console.log(
  table(
    ['figure', `median of ${RUNS}`, 'target'],
    [
      ['cold resolutions/s (cache off, distinct IPs, 10% IPv6)', fmt(result.coldPerSecond), fmt(TARGET_COLD)],
      ['cached resolutions/s (10,000 IPs)', fmt(result.cachedPerSecond), fmt(TARGET_HOT)],
      ['data load (fresh process)', `${fmt(result.loadMs)} ms`, '< 2,000 ms'],
      ['RSS growth after load, before any GC', `${result.rssGrowthNoGcMB} MB`, ''],
      ['RSS growth after load', `${result.rssGrowthMB} MB`, ''],
      ['JS heap growth after load', `${result.heapGrowthMB} MB`, ''],
      ['typed arrays after load', `${result.arrayBuffersMB} MB`, ''],
    ],
  ),
);
saveResult('resolve', result);
if (sink === -1) console.log(sink);
