// Cohort insights on a large site:
//   - the rollup rebuild (clearview rollups rebuild, collector stopped)     target <= 2 min
//   - GET /api/dashboard/insights p50/p99, days=30 and days=365, non-UTC tz  target p99 <= 50 ms
//   - the collector's ingest rate with the insight follower running against without it
//     (beacons from concurrent keep-alive senders for BENCH_SECONDS, rate = page views
//     stored / time until the last one is stored)                          target >= 0.95
// against the compiled collector (`npm run build`) on a site from bench/generate-site.mjs.
// The site is written to (migration 011, rollups, beacons): point BENCH_DB at a copy.
//
//   node bench/insights.mjs           (or: npm run bench -- insights)
//
// Environment: BENCH_DB (default .bench/site.db, with its .json from generate-site.mjs),
// BENCH_RUNS (3), BENCH_REQUESTS (300 per query and run), BENCH_SECONDS (8), BENCH_SENDERS (32).
// Prints a markdown table (median of the runs) and writes .bench/insights.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort, median, saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dbPath = process.env.BENCH_DB ?? join(root, '.bench/site.db');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const requests = Number(process.env.BENCH_REQUESTS ?? 300);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const senders = Number(process.env.BENCH_SENDERS ?? 32);
const queries = { 'days=30, America/Los_Angeles': '?days=30&tz=America/Los_Angeles', 'days=365, Asia/Kathmandu': '?days=365&tz=Asia/Kathmandu' };

if (!existsSync(join(root, 'packages/collector/dist/main.js'))) {
  console.error('bench/insights: run `npm run build` first');
  process.exit(1);
}
if (!existsSync(`${dbPath}.json`)) {
  console.error(`bench/insights: no site at ${dbPath}; make one with bench/generate-site.mjs (BENCH_DB=${dbPath})`);
  process.exit(1);
}
const meta = JSON.parse(readFileSync(`${dbPath}.json`, 'utf8'));
const env = { ...process.env, CLEARVIEW_DB: dbPath, LOG_LEVEL: 'warn' };

// 1. The rebuild, from the raw rows, with the collector stopped.
const started = performance.now();
const rebuilt = spawnSync(process.execPath, [join(root, 'packages/collector/bin/clearview.js'), 'rollups', 'rebuild', '--site', meta.siteId, '--json'], {
  env,
  encoding: 'utf8',
});
if (rebuilt.status !== 0) {
  console.error(rebuilt.stderr);
  process.exit(1);
}
const rebuild = { seconds: Math.round((performance.now() - started) / 100) / 10, pageViews: JSON.parse(rebuilt.stdout).pageViews };

async function startCollector(extra) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'packages/collector/dist/main.js')], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', CLEARVIEW_TRUST_PROXY: '1', CLEARVIEW_RATE_LIMIT_READ: '0', CLEARVIEW_RATE_LIMIT_WRITE: '0', ...extra },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      break;
    } catch (error) {
      if (i > 1200) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const readonly = () => new Database(dbPath, { readonly: true });

/** Waits for the start-up rescoring of a site generated a while ago, as api-read.mjs does: measure a server that has been running. */
async function settledScores() {
  const db = readonly();
  const stale = db.prepare('SELECT COUNT(*) AS n FROM sites s LEFT JOIN score_checks c ON c.site_id = s.id WHERE c.checked_at IS NULL OR c.checked_at < ?');
  for (let i = 0; i < 1200 && stale.get(Date.now() - 4 * 60_000).n > 0; i++) await new Promise((r) => setTimeout(r, 250));
  db.close();
}

function get(agent, port, path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'X-Api-Key': meta.readKey } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

// 2. Read latency, requests one after another on one keep-alive connection.
const latency = Object.fromEntries(Object.keys(queries).map((name) => [name, { p50: [], p99: [] }]));
{
  const collector = await startCollector({});
  await settledScores();
  for (let run = 0; run < runs; run++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const [name, query] of Object.entries(queries)) {
      const times = [];
      for (let i = 0; i < requests; i++) {
        const res = await get(agent, collector.port, `/api/dashboard/insights${query}`);
        if (res.status !== 200) throw new Error(`insights answered ${res.status}`);
        times.push(res.ms);
      }
      times.sort((a, b) => a - b);
      latency[name].p50.push(percentile(times, 50));
      latency[name].p99.push(percentile(times, 99));
    }
    agent.destroy();
  }
  await collector.stop();
}

// 3. Ingest with and without the follower: beacons for `seconds`, then the wait until all are stored.
const site = (() => {
  const db = readonly();
  const row = db
    .prepare('SELECT s.site_key AS key, (SELECT domain FROM site_domains d WHERE d.site_id = s.id LIMIT 1) AS domain FROM sites s WHERE s.id = ?')
    .get(meta.siteId);
  db.close();
  return row;
})();
const paths = ['/', '/pricing', '/features', '/blog/launch', '/docs/start', '/demo', '/contact', '/integrations/slack'];
let beaconCounter = 0;
async function ingestRate(everyMs) {
  const collector = await startCollector({ CLEARVIEW_INSIGHTS_EVERY_MS: String(everyMs) });
  await settledScores();
  const db = readonly();
  const count = db.prepare('SELECT max(id) FROM page_view_rows').pluck();
  const before = count.get();
  const agent = new Agent({ keepAlive: true, maxSockets: senders });
  const run = `r${Date.now().toString(36)}`;
  let accepted = 0;
  const t0 = performance.now();
  const sender = async () => {
    while (performance.now() - t0 < seconds * 1000) {
      const n = beaconCounter++;
      const body = JSON.stringify({ k: site.key, n: 'pageview', v: `${run}v${n % 5000}`, p: `${run}p${n}`, u: `https://${site.domain}${paths[n % paths.length]}` });
      const status = await new Promise((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: collector.port,
            path: '/api/v1/collect',
            method: 'POST',
            agent,
            headers: {
              'Content-Type': 'text/plain',
              'X-Forwarded-For': `11.0.${(n >>> 8) & 255}.${n & 255}`,
              'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36',
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          },
        );
        req.on('error', () => resolve(null));
        req.end(body);
      });
      if (status === 202) accepted += 1;
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  // Stored: the page views accepted are all in page_view_rows.
  const stored = () => db.prepare('SELECT count(*) FROM page_view_rows WHERE id > ?').pluck().get(before);
  while (stored() < accepted) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  db.close();
  await collector.stop();
  return accepted / elapsed;
}
const rates = { on: [], off: [] };
for (let run = 0; run < runs; run++) {
  // Alternated, so a machine that slows down over the runs weighs on both alike.
  rates.off.push(await ingestRate(0));
  rates.on.push(await ingestRate(2000));
}
const ratio = median(rates.on) / median(rates.off);

const round = (x) => Math.round(x * 10) / 10;
console.log(
  table(
    ['figure', 'value', 'target'],
    [
      ['rollup rebuild', `${rebuild.seconds} s (${rebuild.pageViews} page views)`, '<= 120 s'],
      ...Object.entries(latency).flatMap(([name, l]) => [
        [`insights ${name} p50`, `${round(median(l.p50))} ms`, ''],
        [`insights ${name} p99`, `${round(median(l.p99))} ms`, '<= 50 ms'],
      ]),
      ['ingest, follower off', `${Math.round(median(rates.off))} page views/s`, ''],
      ['ingest, follower on', `${Math.round(median(rates.on))} page views/s`, ''],
      ['ratio on / off', ratio.toFixed(3), '>= 0.95'],
    ],
  ),
);
console.log(`site: ${meta.companies} companies, ${meta.pageViews} page views; ${runs} runs, ${requests} requests per query and run, ${senders} senders for ${seconds} s`);
saveResult('insights', {
  site: { companies: meta.companies, pageViews: meta.pageViews },
  rebuild,
  latency: Object.fromEntries(Object.entries(latency).map(([name, l]) => [name, { p50: median(l.p50), p99: median(l.p99), runs: l }])),
  ingest: { off: rates.off, on: rates.on, ratio },
});
