// API read latency on large sites: p50/p99 of every list endpoint (each company sort, q
// search and the common filters; visitors, page views, contacts; signals, watch list,
// outreach drafts and webhook deliveries, seeded by bench/seed-lists.mjs), first page and page 50,
// and of GET /api/v1/resolve, against the compiled collector (`npm run build`) on the
// synthetic sites of bench/generate-site.mjs (made first if missing). Rate limits off, one
// keep-alive connection on 127.0.0.1, requests one after another, so each figure is a
// request's own latency, not queueing.
//
// Targets (issue #20): every list p99 <= 20 ms at 100k companies / 5M page views and
// <= 30 ms at 1M / 10M; from one size to the next (a tenth of the companies), no list's
// median grows more than 2x.
//
//   node bench/api-read.mjs           (or: npm run bench -- api-read)
//
// Environment: BENCH_SIZES (comma-separated sizes of generate-site: 10k, 100k, 1m;
// default 100k), BENCH_RUNS (3), BENCH_REQUESTS (200 per request kind, page and run),
// BENCH_KINDS (only the request kinds whose names contain one of these, comma-separated).
// Prints a table per size and, for several sizes, the growth of each median; writes
// .bench/api-read.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, median, saveResult, table } from './lib.mjs';
import { seedLists } from './seed-lists.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const sizeNames = (process.env.BENCH_SIZES ?? '100k').split(',').map((s) => s.trim().toLowerCase());
const scales = { '10k': [10_000, 500_000], '100k': [100_000, 5_000_000], '1m': [1_000_000, 10_000_000] };
const targetP99 = { '10k': 20, '100k': 20, '1m': 30 };
const maxGrowth = 2;

for (const name of sizeNames) {
  if (!scales[name]) {
    console.error(`bench/api-read: BENCH_SIZES takes ${Object.keys(scales).join(', ')}`);
    process.exit(1);
  }
}
if (!existsSync(join(root, 'packages/collector/dist/main.js'))) {
  console.error('bench/api-read: run `npm run build` first');
  process.exit(1);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const pathOfSize = (name) => {
  const [companies, pageViews] = scales[name];
  return join(root, name === '100k' ? '.bench/site.db' : `.bench/site-${companies}-${pageViews}.db`);
};

async function measureSize(sizeName) {
  const dbPath = pathOfSize(sizeName);
  const generated = spawnSync(process.execPath, [join(root, 'bench/generate-site.mjs'), `--size=${sizeName}`], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_DB: dbPath, BENCH_COMPANIES: '', BENCH_PAGE_VIEWS: '' },
  });
  if (generated.status !== 0) process.exit(generated.status ?? 1);
  // The signals, watch list, drafts and deliveries a live site would have by now.
  const seeded = await seedLists(dbPath);
  const meta = JSON.parse(readFileSync(`${dbPath}.json`, 'utf8'));
  const port = await freePort();
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
  const getOnce = (path) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = request(
        { host: '127.0.0.1', port, path, agent, headers: { 'X-Api-Key': path.startsWith('/api/v1/webhooks') ? seeded.writeKey : meta.readKey } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, body: Buffer.concat(chunks) }));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${path}`)));
      req.on('error', reject);
      req.end();
    });
  // A kept-alive connection the server closed meanwhile is retried once on a new one (and counted).
  const get = async (path) => {
    try {
      return await getOnce(path);
    } catch (error) {
      if (error.code !== 'ECONNRESET') throw error;
      resets += 1;
      return getOnce(path);
    }
  };
  const json = async (path) => {
    const res = await get(path);
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
    return JSON.parse(res.body.toString());
  };

  for (let i = 0; ; i++) {
    try {
      await get('/api/v1/openapi.json');
      break;
    } catch (error) {
      if (i > 1200) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // The collector rescores the companies due at start (a site generated a while ago has
  // many): measure once that is done, as on a server that has been running.
  {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(dbPath, { readonly: true });
    const stale = db.prepare('SELECT COUNT(*) AS n FROM sites s LEFT JOIN score_checks c ON c.site_id = s.id WHERE c.checked_at IS NULL OR c.checked_at < ?');
    for (let i = 0; i < 2400 && stale.get(Date.now() - 4 * 60_000).n > 0; i++) await new Promise((r) => setTimeout(r, 250));
    db.close();
    agent.destroy();
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  // Ids for the filters, from the API itself: a busy company, one of its visitors.
  const busiest = (await json('/api/v1/companies?sort=-visitorCount&limit=1')).companies[0];
  const visitor = (await json(`/api/v1/visitors?company_id=${busiest.id}&limit=1`)).visitors[0];
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const lists = {
    companies: '/api/v1/companies?',
    'companies min_score=50 limit=100': '/api/v1/companies?min_score=50&limit=100&',
    'companies sort=-lastSeen': '/api/v1/companies?sort=-lastSeen&',
    'companies sort=-firstSeen': '/api/v1/companies?sort=-firstSeen&',
    'companies sort=name': '/api/v1/companies?sort=name&',
    'companies sort=-visitorCount': '/api/v1/companies?sort=-visitorCount&',
    'companies sort=leadScore': '/api/v1/companies?sort=leadScore&',
    'companies q=company1 (11% of names)': '/api/v1/companies?q=company1&',
    'companies q=company1234 (a name)': '/api/v1/companies?q=company1234&',
    'companies industry=Software': '/api/v1/companies?industry=Software&',
    'companies country=DE': '/api/v1/companies?country=DE&',
    'companies seen_after (30 days)': `/api/v1/companies?seen_after=${monthAgo}&`,
    visitors: '/api/v1/visitors?',
    'visitors include_bots': '/api/v1/visitors?include_bots=true&',
    'visitors company_id': `/api/v1/visitors?company_id=${busiest.id}&`,
    'page-views': '/api/v1/page-views?',
    'page-views include_bots': '/api/v1/page-views?include_bots=true&',
    'page-views since (7 days)': `/api/v1/page-views?since=${weekAgo}&`,
    'page-views company_id': `/api/v1/page-views?company_id=${busiest.id}&`,
    'page-views visitor_id': `/api/v1/page-views?visitor_id=${visitor.id}&`,
    contacts: '/api/v1/contacts?',
    'contacts q=person1': '/api/v1/contacts?q=person1&',
    'contacts company_domain': `/api/v1/contacts?company_domain=${encodeURIComponent(busiest.domain ?? 'company0.example')}&`,
    signals: '/api/v1/signals?',
    'signals type=watchlist.hit': '/api/v1/signals?type=watchlist.hit&',
    'signals domain': '/api/v1/signals?domain=company0.example&',
    'watch-list': '/api/dashboard/watch-list?',
    'watch-list q=company1': '/api/dashboard/watch-list?q=company1&',
    'outreach drafts': '/api/dashboard/outreach?',
    'webhook deliveries': `/api/v1/webhooks/${seeded.endpointId}/deliveries?`,
  };
  const ipOf = (n) => `${11 + Math.floor(n / 16_777_216)}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  let ipCounter = 0;
  // Visitors of identified companies and other public addresses, distinct every time, so no
  // answer comes from the resolver's result cache.
  const nextIp = () => {
    const k = ipCounter++;
    return k % 2 === 0 ? ipOf((k * 7919) % meta.identifiedIps) : `${80 + (k % 100)}.${(k >>> 8) & 255}.${k & 255}.${(k * 13) & 255}`;
  };
  const kinds = {};
  for (const [name, base] of Object.entries(lists)) {
    kinds[`${name}, page 1`] = () => `${base}page=1`;
    kinds[`${name}, page 50`] = () => `${base}page=50`;
  }
  kinds['resolve?ip='] = () => `/api/v1/resolve?ip=${nextIp()}`;
  // BENCH_KINDS=a,b: only the request kinds whose name contains one of these (a quick look at a few).
  const only = process.env.BENCH_KINDS?.split(',').filter(Boolean);
  if (only) for (const name of Object.keys(kinds)) if (!only.some((o) => name.includes(o))) delete kinds[name];

  const totals = {};
  for (const [name, pathOf] of Object.entries(kinds)) {
    // Warm-up: JIT, statement caches, SQLite's page cache; and the list's total, to show.
    for (let i = 0; i < 20; i++) await get(pathOf());
    if (name.endsWith('page 1')) totals[name.slice(0, -8)] = (await json(pathOf())).pagination?.total;
  }
  const results = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, pathOf] of Object.entries(kinds)) {
      const times = [];
      for (let i = 0; i < requests; i++) {
        const res = await get(pathOf());
        if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
        times.push(res.ms);
      }
      times.sort((a, b) => a - b);
      results[name].push({ p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) });
    }
  }
  stop();
  await new Promise((resolve) => child.once('exit', resolve));
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, list]) => [
      name,
      { p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)), max: Math.max(...list.map((r) => r.max)) },
    ]),
  );
  return { size: sizeName, companies: meta.companies, pageViews: meta.pageViews, bytesPerPageView: meta.bytesPerPageView, totals, resets, summary };
}

const measured = [];
for (const name of sizeNames) measured.push(await measureSize(name));

const fmt = (ms) => ms.toFixed(2);
for (const m of measured) {
  const target = targetP99[m.size];
  console.log(
    `\nAPI read latency, ${m.companies.toLocaleString('en')} companies / ${m.pageViews.toLocaleString('en')} page views, ${requests} sequential requests x ${runs} runs (median of runs), keep-alive on 127.0.0.1\n`,
  );
  console.log(
    table(
      ['request', 'p50 ms', 'p99 ms', 'max ms', `p99 <= ${target} ms`],
      Object.entries(m.summary).map(([name, r]) => [name, fmt(r.p50), fmt(r.p99), fmt(r.max), r.p99 <= target ? 'yes' : 'NO']),
    ),
  );
  const over = Object.values(m.summary).filter((r) => r.p99 > target).length;
  console.log(`\n${over === 0 ? 'every request' : `${over} requests NOT`} within the p99 target; connections reset and retried: ${m.resets}`);
}
const growth = [];
for (let i = 1; i < measured.length; i++) {
  const [a, b] = [measured[i - 1], measured[i]];
  const rows = Object.keys(b.summary).map((name) => {
    const ratio = b.summary[name].p50 / a.summary[name].p50;
    return [name, fmt(a.summary[name].p50), fmt(b.summary[name].p50), ratio.toFixed(2), ratio <= maxGrowth ? 'yes' : 'NO'];
  });
  growth.push({ from: a.size, to: b.size, rows });
  console.log(`\nGrowth of the medians from ${a.size} to ${b.size}\n`);
  console.log(table(['request', `p50 ms ${a.size}`, `p50 ms ${b.size}`, 'ratio', `<= ${maxGrowth}x`], rows));
}
saveResult('api-read', { runs, requests, measured, growth });
