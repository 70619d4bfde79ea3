// Watch-list alerts: how long from a beacon to the receiver holding the signed webhook, and what
// 1,000 watched domains with a webhook and Slack cost the beacon path.
// 1. Latency: a collector with 1,000 watched domains, a webhook endpoint and Slack; beacons from
//    watched companies (one new visit each, at random gaps); the time from sending the beacon to the
//    receiver in this process holding the webhook, which standardwebhooks verifies.
// 2. Beacon throughput (wrk with bench/collect.lua, as bench/collect.mjs) with the same watch list,
//    webhook and Slack against a plain collector, alternating ABAB so the machine's noise cancels;
//    both carry the same 1,000 identity ranges, so the same beacons resolve to the same companies.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import { collectorStartArgs, freePort, median, mulberry32, saveResult, table, waitUntilUp } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const samples = Number(process.env.BENCH_ALERTS ?? 200);
const watchedCount = 1_000;

const { openDatabase } = await import(join(root, 'packages/collector/dist/store/db.js'));
const { createSite } = await import(join(root, 'packages/collector/dist/store/sites.js'));
const { createApiKey } = await import(join(root, 'packages/collector/dist/store/api-keys.js'));
const { putIdentityRange } = await import(join(root, 'packages/collector/dist/store/identity.js'));
const { parseCidr } = await import(join(root, 'packages/collector/dist/resolve/ip.js'));

const startArgs = collectorStartArgs(root);

// Watched company i owns one /16, spread over the space wrk's addresses cover (first octets 1-223).
// 127/8 (loopback) and 100.64/10 (CGNAT) are skipped: no company is ever resolved there.
const block = (i) => [20 + (i % 200) + (20 + (i % 200) >= 127 ? 1 : 0), [3, 23, 43, 143, 163][Math.floor(i / 200)]];
const watchedDomain = (i) => `watched-company-${i}.com`;

/** A collector with the identity ranges; with `alerts`, also the watch list, a webhook endpoint and Slack. */
async function startCollector({ alerts, webhookUrl, slackUrl }) {
  const dir = mkdtempSync(join(tmpdir(), 'clearview-bench-alerts-'));
  const dbPath = join(dir, 'bench.db');
  const db = openDatabase(dbPath);
  const { site } = createSite(db, { name: 'Bench', domains: ['example.com'] });
  const write = createApiKey(db, { siteId: site.id, permission: 'write', label: 'bench' }).key;
  const admin = createApiKey(db, { siteId: site.id, permission: 'admin', label: 'bench' }).key;
  db.transaction(() => {
    for (let i = 0; i < watchedCount; i++) {
      const [a, b] = block(i);
      const range = parseCidr(`${a}.${b}.0.0/16`);
      putIdentityRange(db, { siteId: site.id, lo: range.lo, hi: range.hi, prefix: range.prefix + 96, companyDomain: watchedDomain(i), source: 'ingest' }, Date.now());
    }
  })();
  db.close();
  const port = await freePort();
  // BENCH_CPU_PROF=DIR: a V8 CPU profile of each collector, written there when it stops.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...startArgs], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CLEARVIEW_DB: dbPath,
      CLEARVIEW_TRUST_PROXY: '1',
      CLEARVIEW_LOG_LEVEL: 'warn',
      // The receivers listen on 127.0.0.1 over http; both configurations run with the same setting.
      CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1',
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/healthz`, 2_400);
  const call = async (method, path, key, body) => {
    const res = await fetch(`${url}${path}`, { method, headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  let secret = null;
  if (alerts) {
    const bulk = await call('POST', '/api/dashboard/watch-list', write, { domains: Array.from({ length: watchedCount }, (_, i) => watchedDomain(i)) });
    if (bulk.added !== watchedCount) throw new Error(`watch list: ${JSON.stringify(bulk)}`);
    secret = (await call('POST', '/api/v1/webhooks', write, { url: webhookUrl })).secret;
    await call('PATCH', '/api/v1/settings', admin, { alerts: { slack: { webhookUrl: slackUrl } } });
  }
  return {
    url,
    port,
    site,
    secret,
    child,
    dbPath,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      // BENCH_KEEP=1 keeps the database for a look afterwards.
      if (process.env.BENCH_KEEP) console.log(`kept ${dbPath}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** Part 1: beacon-to-receiver latency of watch-list alerts, one new company visit a beacon. */
async function measureLatency() {
  const arrivals = { webhook: new Map(), slack: new Map() };
  let secret = null;
  let unverified = 0;
  const receiver = createHttpServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      res.end('ok');
      if (req.url === '/slack') {
        const domain = /watched-company-\d+\.com/.exec(body)?.[0];
        if (domain && !arrivals.slack.has(domain)) arrivals.slack.set(domain, at);
        return;
      }
      let payload;
      try {
        payload = new Webhook(secret).verify(body, req.headers);
      } catch {
        unverified += 1;
        return;
      }
      if (payload.type === 'watchlist.hit' && !arrivals.webhook.has(payload.data.company.domain)) arrivals.webhook.set(payload.data.company.domain, at);
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${receiver.address().port}`;
  const collector = await startCollector({ alerts: true, webhookUrl: `${base}/hook`, slackUrl: `${base}/slack` });
  secret = collector.secret;
  const random = mulberry32(17);
  const sent = new Map();
  const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  for (let i = 0; i < samples; i++) {
    // Random gaps (mean 250 ms), so beacons land at every phase of the follower's and the sender's timers.
    await new Promise((r) => setTimeout(r, -Math.log(1 - random()) * 250));
    const [a, b] = block(i);
    const body = {
      k: collector.site.siteKey,
      n: 'pageview',
      v: `vis_lat_${i}`,
      p: `pv_lat_${i}`,
      u: 'https://www.example.com/pricing',
      r: 'https://www.google.com/',
      t: 'Pricing',
      w: 1440,
    };
    sent.set(watchedDomain(i), performance.now());
    const res = await fetch(`${collector.url}/api/v1/collect`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'User-Agent': ua, 'X-Forwarded-For': `${a}.${b}.${1 + (i % 250)}.${7 + (i % 200)}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 202) throw new Error(`beacon answered ${res.status}`);
  }
  const deadline = performance.now() + 30_000;
  while ((arrivals.webhook.size < samples || arrivals.slack.size < samples) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await collector.stop();
  await new Promise((r) => receiver.close(r));
  const latencies = (channel) => [...sent].filter(([d]) => arrivals[channel].has(d)).map(([d, t]) => arrivals[channel].get(d) - t);
  const webhook = latencies('webhook');
  const slack = latencies('slack');
  if (webhook.length === 0 || slack.length === 0) throw new Error(`no alert reached the receiver in 30 s (${unverified} webhooks failed verification)`);
  return {
    samples,
    webhookArrived: webhook.length,
    slackArrived: slack.length,
    unverified,
    missing: [...sent.keys()].filter((d) => !arrivals.webhook.has(d)),
    webhookP50Ms: percentile(webhook, 50),
    webhookP99Ms: percentile(webhook, 99),
    webhookMaxMs: Math.max(...webhook),
    slackP50Ms: percentile(slack, 50),
    slackP99Ms: percentile(slack, 99),
  };
}

const toMs = (text) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
};

function runWrk(port, args, duration = seconds) {
  const result = spawnSync(
    'wrk',
    ['-t2', `-c${connections}`, `-d${duration}s`, '--latency', '-s', join(root, 'bench/collect.lua'), `http://127.0.0.1:${port}/api/v1/collect`, '--', ...args],
    { encoding: 'utf8' },
  );
  const out = result.stdout;
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const elapsed = toMs(/requests in ([\d.]+(?:us|ms|s))/.exec(out)?.[1] ?? '') / 1000;
  // Only 2xx answers count: a 503 that sheds load is quick, and would flatter the figure.
  return { rps: (total - non2xx) / elapsed, p99: toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? ''), non2xx };
}

/** Part 2, one run: beacons/s with or without the alerts set up, and what the alerts did meanwhile. */
async function throughputRun(alerts, runIndex, receiverUrl) {
  const collector = await startCollector({ alerts, webhookUrl: `${receiverUrl}/hook`, slackUrl: `${receiverUrl}/slack` });
  runWrk(collector.port, [collector.site.siteKey, `w${runIndex}`], warmup);
  // The same run id in both configurations: the same visitors from the same addresses.
  const result = runWrk(collector.port, [collector.site.siteKey, `r${runIndex}`]);
  const check = new Database(collector.dbPath, { readonly: true });
  const hits = check.prepare("SELECT COUNT(*) FROM signals WHERE type = 'watchlist.hit'").pluck();
  const deliveries = check.prepare('SELECT COUNT(*) FROM deliveries').pluck();
  const behind = check.prepare("SELECT (SELECT COALESCE(MAX(id), 0) FROM page_view_rows) - (SELECT last_id FROM signal_progress WHERE name = 'page_views')").pluck();
  const atEnd = { watchlistHits: hits.get(), deliveries: deliveries.get(), pageViewsBehind: behind.get() };
  // How long the signal follower then takes to catch up with what was committed (up to 60 s).
  const ended = performance.now();
  while (behind.get() > 0 && performance.now() - ended < 60_000) await new Promise((r) => setTimeout(r, 100));
  const catchUpSeconds = (performance.now() - ended) / 1000;
  const caughtUp = { watchlistHits: hits.get(), deliveries: deliveries.get(), pageViewsBehind: behind.get() };
  check.close();
  await collector.stop();
  return { ...result, atEnd, catchUpSeconds, caughtUp };
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
const loadBefore = load();
console.log(`load average before: ${loadBefore}`);
const latency = await measureLatency();

let pairs = [];
if (spawnSync('wrk', ['--version']).error) {
  console.log('bench/alerts: wrk is not installed (apt-get install -y wrk); the throughput ratio is skipped');
} else {
  const receiverPort = await freePort();
  const receiver = spawn(process.execPath, [join(root, 'bench/alert-receiver.mjs')], { env: { ...process.env, PORT: String(receiverPort) }, stdio: 'ignore' });
  const receiverUrl = `http://127.0.0.1:${receiverPort}`;
  await waitUntilUp(`${receiverUrl}/count`, 2_400);
  for (let i = 0; i < runs; i++) {
    // ABBA...: each pair's two runs are neighbours in time, and which goes first alternates.
    const plainFirst = i % 2 === 0;
    const first = await throughputRun(!plainFirst, i, receiverUrl);
    const second = await throughputRun(plainFirst, i, receiverUrl);
    const [plain, withAlerts] = plainFirst ? [first, second] : [second, first];
    pairs.push({ plain, withAlerts, ratio: withAlerts.rps / plain.rps });
  }
  receiver.kill('SIGTERM');
}

const loadAfter = load();
const m = (pick) => (pairs.length ? median(pairs.map(pick)) : NaN);
const summary = {
  watchedDomains: watchedCount,
  loadBefore,
  loadAfter,
  latency,
  generator: `wrk -t2 -c${connections} -d${seconds}s with bench/collect.lua, after a ${warmup} s warm-up`,
  runs: pairs.length,
  plainRps: m((p) => p.plain.rps),
  withAlertsRps: m((p) => p.withAlerts.rps),
  ratio: m((p) => p.ratio),
  atEndWithAlerts: pairs.map((p) => p.withAlerts.atEnd),
  caughtUpWithAlerts: pairs.map((p) => ({ ...p.withAlerts.caughtUp, seconds: p.withAlerts.catchUpSeconds })),
  pairs,
};

console.log(`\n### Watch-list alerts (${watchedCount} watched domains, a webhook endpoint and Slack; load average ${loadBefore} before, ${loadAfter} after)\n`);
console.log(
  table(
    ['figure', 'measured', 'target'],
    [
      [
        `beacon to signed webhook, ${latency.webhookArrived}/${samples} alerts`,
        `p50 ${latency.webhookP50Ms.toFixed(0)} ms, p99 ${latency.webhookP99Ms.toFixed(0)} ms (max ${latency.webhookMaxMs.toFixed(0)})`,
        'p99 <= 1,000 ms',
      ],
      [`beacon to Slack message, ${latency.slackArrived}/${samples}`, `p50 ${latency.slackP50Ms.toFixed(0)} ms, p99 ${latency.slackP99Ms.toFixed(0)} ms`, '-'],
      [
        `beacons/s with alerts / without (${summary.generator}, ${pairs.length} ABAB pairs, median of ratios)`,
        `${summary.ratio.toFixed(3)} (${summary.withAlertsRps.toFixed(0)} / ${summary.plainRps.toFixed(0)}; pairs ${pairs.map((p) => p.ratio.toFixed(2)).join(', ')})`,
        '>= 0.95',
      ],
    ],
  ),
);
const describe = (x) => `${x.watchlistHits} watchlist.hit, ${x.deliveries} deliveries, ${x.pageViewsBehind} page views not yet followed`;
for (const [i, p] of pairs.entries())
  console.log(
    `run ${i + 1} with alerts: when wrk stopped ${describe(p.withAlerts.atEnd)}; ${p.withAlerts.catchUpSeconds.toFixed(1)} s later ${describe(p.withAlerts.caughtUp)}`,
  );
if (latency.missing.length > 0) console.log(`alerts that did not arrive within 30 s: ${latency.missing.join(', ')}`);
if (latency.unverified > 0) console.log(`${latency.unverified} webhooks failed standardwebhooks verification`);
saveResult('alerts', summary);
if (latency.unverified > 0 || latency.webhookArrived < samples) process.exitCode = 1;
