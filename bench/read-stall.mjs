// Whether an API client reading in a loop slows the beacon path: beacons per
// second (wrk, bench/collect.lua) with nobody reading, against the same with one
// keep-alive client looping on a list endpoint of a large site, in the same run.
// Target: with any list endpoint looping, at least 0.8 of the beacons accepted alone.
//
//   node bench/read-stall.mjs           (or: npm run bench -- read-stall)
//
// Environment: BENCH_SIZE (the site of bench/generate-site.mjs: 10k, 100k or 1m, made
// first if missing; default 100k), BENCH_RUNS (3),
// BENCH_SECONDS (8 per measurement), BENCH_CONNECTIONS (50).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectorStartArgs, freePort, median, saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const scales = { '10k': [10_000, 500_000], '100k': [100_000, 5_000_000], '1m': [1_000_000, 10_000_000] };
const size = process.env.BENCH_SIZE ?? '100k';
if (!scales[size]) {
  console.error(`bench/read-stall: BENCH_SIZE takes ${Object.keys(scales).join(', ')}`);
  process.exit(1);
}
const dbPath = join(root, size === '100k' ? '.bench/site.db' : `.bench/site-${scales[size][0]}-${scales[size][1]}.db`);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const target = 0.8;

if (spawnSync('wrk', ['--version']).error) {
  console.log('bench/read-stall: wrk is not installed (apt-get install -y wrk); skipped');
  process.exit(0);
}
const dist = join(root, 'packages/collector/dist');
if (!existsSync(join(dist, 'main.js'))) {
  console.error('bench/read-stall: run `npm run build` first');
  process.exit(1);
}
const generated = spawnSync(process.execPath, [join(root, 'bench/generate-site.mjs'), `--size=${size}`], {
  stdio: 'inherit',
  env: { ...process.env, BENCH_DB: dbPath, BENCH_COMPANIES: '', BENCH_PAGE_VIEWS: '' },
});
if (generated.status !== 0) process.exit(generated.status ?? 1);
const meta = JSON.parse(readFileSync(`${dbPath}.json`, 'utf8'));

// Beacons go to a second, small site on the same collector (bench/collect.lua posts for example.com);
// the reader reads the large one. Both share the thread that answers HTTP, which is what is measured.
const { openDatabase } = await import(join(dist, 'store/db.js'));
const { createSite, listSites } = await import(join(dist, 'store/sites.js'));
const setup = openDatabase(dbPath);
const existing = listSites(setup).find((s) => s.name === 'Beacon bench');
const beaconSite = existing ?? createSite(setup, { name: 'Beacon bench', domains: ['example.com'] }).site;
setup.close();

const allEndpoints = [
  '/api/v1/page-views?limit=100',
  '/api/v1/visitors?limit=100',
  '/api/v1/companies?limit=100&sort=-visitorCount',
  '/api/v1/companies?limit=100&min_score=50',
  '/api/v1/companies?q=company1&limit=100',
  '/api/v1/companies?limit=100&page=50',
  '/api/v1/page-views?limit=100&page=50',
  '/api/v1/contacts?limit=100',
];
// BENCH_ENDPOINTS=a,b: only the endpoints whose path contains one of these.
const only = process.env.BENCH_ENDPOINTS?.split(',').filter(Boolean);
const endpoints = only ? allEndpoints.filter((e) => only.some((o) => e.includes(o))) : allEndpoints;

const port = await freePort();
const startArgs = collectorStartArgs(root);
// BENCH_CPU_PROF=DIR: a V8 CPU profile of the collector's threads, written there when it stops.
const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const child = spawn(process.execPath, [...profile, ...startArgs], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    CLEARVIEW_DB: dbPath,
    CLEARVIEW_TRUST_PROXY: '1',
    CLEARVIEW_RATE_LIMIT_READ: '0',
    CLEARVIEW_LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});
for (let i = 0; ; i++) {
  try {
    await fetch(`http://127.0.0.1:${port}/healthz`);
    break;
  } catch {
    if (i > 600) throw new Error('collector did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function beacons(tag) {
  return new Promise((resolve) => {
    const wrk = spawn('wrk', [
      '-t2',
      `-c${connections}`,
      `-d${seconds}s`,
      '-s',
      join(root, 'bench/collect.lua'),
      `http://127.0.0.1:${port}/api/v1/collect`,
      '--',
      beaconSite.siteKey,
      tag,
    ]);
    let out = '';
    wrk.stdout.on('data', (d) => (out += d));
    wrk.on('exit', () => {
      const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      resolve((total - non2xx) / seconds);
    });
  });
}

/** One client reading the endpoint in a loop until stopped; resolves with its latencies in ms. */
function reader(path) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  let stop = false;
  const once = () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'X-Api-Key': meta.readKey } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
          latencies.push(performance.now() - started);
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
  const done = (async () => {
    while (!stop) await once();
    agent.destroy();
    return latencies;
  })();
  return { stop: () => ((stop = true), done) };
}

await beacons('warm');
const rows = [];
const results = Object.fromEntries(endpoints.map((e) => [e, []]));
for (let run = 0; run < runs; run++) {
  for (const path of endpoints) {
    const alone = await beacons(`a${run}`);
    const loop = reader(path);
    const withReader = await beacons(`b${run}`);
    const latencies = await loop.stop();
    results[path].push({ alone, withReader, ratio: withReader / alone, reads: latencies.length / seconds, readP50: median(latencies) });
  }
}
for (const path of endpoints) {
  const r = results[path];
  const m = (pick) => median(r.map(pick));
  rows.push([
    `\`${path}\``,
    m((x) => x.alone).toFixed(0),
    m((x) => x.withReader).toFixed(0),
    m((x) => x.ratio).toFixed(2),
    m((x) => x.reads).toFixed(0),
    m((x) => x.readP50).toFixed(1),
  ]);
}
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));

console.log(
  `\n### Beacons while one client loops on a list (${meta.companies} companies, ${meta.pageViews ?? meta.requestedPageViews} page views; ${runs} runs, medians)\n`,
);
console.log(table(['reader loops on', 'beacons/s alone', 'beacons/s with reader', 'ratio', 'reads/s', 'read p50 ms'], rows));
const worst = Math.min(...rows.map((r) => Number(r[3])));
console.log(`\nworst ratio: ${worst.toFixed(2)} (target >= ${target})`);
saveResult('read-stall', { companies: meta.companies, pageViews: meta.pageViews, runs, seconds, connections, results, worst });
