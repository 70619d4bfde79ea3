// API read latency on a large site: p50/p99 of
//   GET /api/v1/companies?min_score=50&limit=100   (target p99 <= 10 ms)
//   GET /api/v1/resolve?ip=...                      (target p99 <= 5 ms)
// against the compiled collector (packages/collector/dist, `npm run build`) on a
// synthetic site from bench/generate-site.mjs (made first if missing), rate
// limits off, one keep-alive connection on 127.0.0.1, requests one after another
// so each figure is a request's own latency, not queueing.
//
//   node bench/api-read.mjs           (or: npm run bench -- api-read)
//
// Environment: BENCH_COMPANIES / BENCH_PAGE_VIEWS (scale, default 100000 / 5000000),
// BENCH_DB, BENCH_RUNS (3), BENCH_REQUESTS (2000 per endpoint and run).
// Prints a markdown table (median of the runs) and writes .bench/api-read.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dbPath = process.env.BENCH_DB ?? join(root, '.bench/site.db');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
const targets = { companies: 10, resolve: 5 };

if (!existsSync(join(root, 'packages/collector/dist/main.js'))) {
  console.error('bench/api-read: run `npm run build` first');
  process.exit(1);
}
const generated = spawnSync(process.execPath, [join(root, 'bench/generate-site.mjs')], { stdio: 'inherit', env: { ...process.env, BENCH_DB: dbPath } });
if (generated.status !== 0) process.exit(generated.status ?? 1);
const meta = JSON.parse(readFileSync(`${dbPath}.json`, 'utf8'));

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port: p } = s.address();
    s.close(() => resolve(p));
  });
});
const child = spawn(process.execPath, [join(root, 'packages/collector/dist/main.js')], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    CLEARVIEW_DB: dbPath,
    CLEARVIEW_RATE_LIMIT_READ: '0',
    CLEARVIEW_RATE_LIMIT_WRITE: '0',
    CLEARVIEW_RATE_LIMIT_INGEST: '0',
    CLEARVIEW_LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', process.env.BENCH_SERVER_LOG ? 'inherit' : 'ignore', 'inherit'],
});
const stop = () => child.kill('SIGTERM');
process.on('exit', stop);

let agent = new Agent({ keepAlive: true, maxSockets: 1 });
let resets = 0;
function getOnce(path) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'X-Api-Key': meta.readKey } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, body: Buffer.concat(chunks) }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end();
  });
}
/** One request; a kept-alive connection the server closed meanwhile is retried once on a new one (and counted). */
async function get(path) {
  try {
    return await getOnce(path);
  } catch (error) {
    if (error.code !== 'ECONNRESET') throw error;
    resets += 1;
    return getOnce(path);
  }
}

for (let i = 0; ; i++) {
  try {
    await get('/api/v1/openapi.json');
    break;
  } catch (error) {
    if (i > 600) throw error;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The collector rescores stale companies at start (a site generated a while ago is
// all stale): measure once that is done, as on a server that has been running.
{
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(dbPath, { readonly: true });
  // Freshness is recorded per site (migration 004): a site is done once its scores were checked lately.
  const stale = db.prepare('SELECT COUNT(*) AS n FROM sites s LEFT JOIN score_checks c ON c.site_id = s.id WHERE c.checked_at IS NULL OR c.checked_at < ?');
  for (let i = 0; i < 1200 && stale.get(Date.now() - 4 * 60_000).n > 0; i++) await new Promise((r) => setTimeout(r, 250));
  db.close();
  // The wait may outlast the server's keep-alive timeout: start measuring on a fresh connection.
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
}

// The addresses resolved: a mix as the dashboard and extension see it: visitors of
// identified companies (identity data), and other public addresses (AS lookup only).
// Distinct on every request, so no answer comes from the resolver's result cache.
const ipOf = (n) => `${11 + Math.floor(n / 16_777_216)}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
let ipCounter = 0;
const nextIp = () => {
  const k = ipCounter++;
  return k % 2 === 0 ? ipOf((k * 7919) % meta.identifiedIps) : `${80 + (k % 100)}.${(k >>> 8) & 255}.${k & 255}.${(k * 13) & 255}`;
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
async function measure(name, pathOf) {
  const times = [];
  for (let i = 0; i < requests; i++) {
    const res = await get(pathOf(i));
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
    times.push(res.ms);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] };
}

const endpoints = {
  companies: () => '/api/v1/companies?min_score=50&limit=100',
  resolve: () => `/api/v1/resolve?ip=${nextIp()}`,
};

// Warm-up: JIT, statement cache, SQLite page cache.
for (const pathOf of Object.values(endpoints)) for (let i = 0; i < 200; i++) await get(pathOf(i));

const results = { companies: [], resolve: [] };
for (let run = 0; run < runs; run++) {
  for (const [name, pathOf] of Object.entries(endpoints)) results[name].push(await measure(name, pathOf));
}
const sample = JSON.parse((await get(endpoints.companies())).body.toString());
stop();

const summary = Object.fromEntries(
  Object.entries(results).map(([name, list]) => [
    name,
    { p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)), max: Math.max(...list.map((r) => r.max)), targetP99: targets[name] },
  ]),
);
const fmt = (ms) => ms.toFixed(2);
console.log(
  `\nAPI read latency, ${meta.companies} companies / ${meta.pageViews} page views, ${requests} sequential requests x ${runs} runs (median of runs), keep-alive on 127.0.0.1\n`,
);
console.log(
  table(
    ['endpoint', 'p50 ms', 'p99 ms', 'max ms', 'target p99', 'ok'],
    [
      [
        'GET /api/v1/companies?min_score=50&limit=100',
        fmt(summary.companies.p50),
        fmt(summary.companies.p99),
        fmt(summary.companies.max),
        `<= ${targets.companies} ms`,
        summary.companies.p99 <= targets.companies ? 'yes' : 'NO',
      ],
      [
        'GET /api/v1/resolve?ip=...',
        fmt(summary.resolve.p50),
        fmt(summary.resolve.p99),
        fmt(summary.resolve.max),
        `<= ${targets.resolve} ms`,
        summary.resolve.p99 <= targets.resolve ? 'yes' : 'NO',
      ],
    ],
  ),
);
console.log(`\n(companies matching min_score=50: ${sample.pagination.total}; connections reset by the server and retried: ${resets})`);
saveResult('api-read', { scale: { companies: meta.companies, pageViews: meta.pageViews }, runs, requests, matching: sample.pagination.total, resets, results: summary });
