// Beacon throughput: the collector against a bare node:http server, in the same run,
// driven by wrk (a C load generator, so the generator is not the bottleneck).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { collectorStartArgs, freePort, median, saveResult, table, waitUntilUp } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

if (spawnSync('wrk', ['--version']).error) {
  console.log('bench/collect: wrk is not installed (apt-get install -y wrk); skipped');
  process.exit(0);
}
const { openDatabase } = await import(join(root, 'packages/collector/dist/store/db.js'));
const { createSite } = await import(join(root, 'packages/collector/dist/store/sites.js'));

const startArgs = collectorStartArgs(root);

const toMs = (text) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
};

function runWrk(port, args, duration = seconds) {
  const result = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'CPU %U %S',
      'wrk',
      '-t2',
      `-c${connections}`,
      `-d${duration}s`,
      '--latency',
      '-s',
      join(root, 'bench/collect.lua'),
      `http://127.0.0.1:${port}/api/v1/collect`,
      '--',
      ...args,
    ],
    { encoding: 'utf8' },
  );
  const out = result.stdout;
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(result.stderr);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? 'none';
  const elapsed = toMs(/requests in ([\d.]+(?:us|ms|s))/.exec(out)?.[1] ?? '') / 1000;
  return {
    // Only 2xx answers count: a 503 that sheds load is quick, and would flatter the figure.
    rps: (total - non2xx) / elapsed,
    elapsed,
    p50: toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99: toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    total,
    ok: total - non2xx,
    non2xx,
    errors,
    generatorCpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
  };
}

async function benchBare() {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'bench/bare-server.mjs')], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  await waitUntilUp(`http://127.0.0.1:${port}/`);
  runWrk(port, ['site_bench', 'warm'], warmup);
  const result = runWrk(port, ['site_bench', 'bare']);
  child.kill('SIGTERM');
  return result;
}

async function benchCollector(runIndex) {
  const dir = mkdtempSync(join(tmpdir(), 'clearview-bench-'));
  const dbPath = join(dir, 'bench.db');
  const db = openDatabase(dbPath);
  const { site } = createSite(db, { name: 'Bench', domains: ['example.com'] });
  db.close();
  const port = await freePort();
  const child = spawn(process.execPath, startArgs, {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CLEARVIEW_DB: dbPath, CLEARVIEW_TRUST_PROXY: '1', CLEARVIEW_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const started = performance.now();
  await waitUntilUp(`http://127.0.0.1:${port}/healthz`);
  const startupMs = performance.now() - started;
  // A long-running server is measured warm: the first requests pay for compiling every code path.
  const warm = runWrk(port, [site.siteKey, `w${runIndex}`], warmup);
  const result = runWrk(port, [site.siteKey, `r${runIndex}`]);
  // A 202 means logged; the writer may still be committing. Time the rest, so the
  // figure below is what the database took in, not only what was answered.
  const drainStarted = performance.now();
  for (;;) {
    const { queueDepth } = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    if (queueDepth === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const check = new Database(dbPath, { readonly: true });
  // Engagement events carry e=1 (bench/collect.lua), so summed milliseconds count them.
  const stored = check
    .prepare(
      `SELECT (SELECT COUNT(*) FROM page_views) + (SELECT COALESCE(SUM(engaged_ms), 0) FROM page_views)
            + (SELECT COALESCE(SUM(ms), 0) FROM orphan_engagements) AS n`,
    )
    .get().n;
  check.close();
  rmSync(dir, { recursive: true, force: true });
  // Both runs' acknowledged events are in the database: the stored-rows check counts the warm-up's too.
  return { ...result, committedRps: result.ok / (result.elapsed + drainSeconds), drainSeconds, okWithWarmup: result.ok + warm.ok, stored, peakRssMb, startupMs };
}

const pairs = [];
for (let i = 0; i < runs; i++) {
  const bare = await benchBare();
  const collector = await benchCollector(i);
  pairs.push({ bare, collector, ratio: collector.rps / bare.rps });
}

const m = (pick) => median(pairs.map(pick));
// wrk stops with up to one request per connection in flight: those may be stored without wrk counting the answer.
const lost = pairs.map((p) => Math.max(0, p.collector.okWithWarmup - p.collector.stored));
const unanswered = pairs.map((p) => p.collector.stored - p.collector.okWithWarmup);
const summary = {
  generator: `wrk -t2 -c${connections} -d${seconds}s with bench/collect.lua, after a ${warmup} s warm-up`,
  runs,
  bareRps: m((p) => p.bare.rps),
  collectorRps: m((p) => p.collector.rps),
  collectorCommittedRps: m((p) => p.collector.committedRps),
  drainSeconds: m((p) => p.collector.drainSeconds),
  ratio: m((p) => p.ratio),
  collectorP50Ms: m((p) => p.collector.p50),
  collectorP99Ms: m((p) => p.collector.p99),
  bareP99Ms: m((p) => p.bare.p99),
  peakRssMb: Math.max(...pairs.map((p) => p.collector.peakRssMb)),
  startupMs: m((p) => p.collector.startupMs),
  generatorCpuShare: m((p) => p.collector.generatorCpuSeconds / seconds),
  non2xx: pairs.map((p) => p.collector.non2xx),
  lostEvents: lost,
  storedMinus2xx: unanswered,
  pairs,
};
console.log(`\n### Beacon throughput (${summary.generator}, ${runs} runs, medians)\n`);
console.log(
  table(
    ['server', 'requests/s', 'p50 ms', 'p99 ms', 'peak RSS MB', 'generator CPU (cores)'],
    [
      [
        'bare node:http (204)',
        summary.bareRps.toFixed(0),
        m((p) => p.bare.p50).toFixed(2),
        summary.bareP99Ms.toFixed(2),
        '-',
        m((p) => p.bare.generatorCpuSeconds / seconds).toFixed(2),
      ],
      [
        'ClearView collector',
        summary.collectorRps.toFixed(0),
        summary.collectorP50Ms.toFixed(2),
        summary.collectorP99Ms.toFixed(2),
        summary.peakRssMb.toFixed(0),
        summary.generatorCpuShare.toFixed(2),
      ],
    ],
  ),
);
console.log(
  `\nin the database: ${summary.collectorCommittedRps.toFixed(0)} events/s (the run's 2xx over its ${seconds} s plus ${summary.drainSeconds.toFixed(2)} s for the writer to commit the rest)`,
);
console.log(
  `collector / bare: ${summary.ratio.toFixed(2)} (target >= 0.5); lost acknowledged events per run: ${lost.join(', ')} (stored minus 2xx: ${unanswered.join(', ')}; non-2xx: ${summary.non2xx.join(', ')})`,
);
saveResult('collect', summary);
if (lost.some((n) => n > 0)) process.exitCode = 1;
