// The decay check at 100,000 and 1,000,000 companies: how long it holds the writer at a
// time and in all. The check runs on the writer thread between batches, so while one
// stretch of it runs no batch commits: the longest stretch between two turns of the event
// loop is the longest a beacon batch can wait for it.
//
// Each size is one site built directly in SQLite (bulk inserts, not HTTP), every company
// scored once, then the check as the collector runs it: the first one, then with the clock
// five minutes on (as the one-minute timer finds it at worst), then a day on (a collector
// that was down). Afterwards a sample of companies is scored again with the pure model,
// from an independent read of their aggregates, and must match what the database holds.
//
// With wrk installed, the largest size then goes to a real collector: pairs of beacon
// floods, one alone and one across the timer's check, counting 503s.
//
//   npm run build && node bench/decay.mjs
//
// The check runs as in the writer thread: this thread holds the write connection and, with a
// build that has jobs/score-check-thread.js, the check reads and scores on a thread of its
// own and sends its writes here; an older build checks on this thread (createRescorer).
//
// Environment: BENCH_DECAY_SIZES (100000,1000000), BENCH_RUNS (3), BENCH_FLOOD_SECONDS
// (30 at most; 0 skips the floods), BENCH_FLOOD_PAIRS (3), BENCH_DIST (the collector's
// dist folder, to measure another build).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort, median, saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(root, 'packages/collector/dist');
const sizes = (process.env.BENCH_DECAY_SIZES ?? '100000,1000000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const floodSeconds = Math.min(30, Number(process.env.BENCH_FLOOD_SECONDS ?? 30));
const floodPairs = Number(process.env.BENCH_FLOOD_PAIRS ?? 3);
const { openDatabase } = await import(join(dist, 'store/db.js'));
const { createSite } = await import(join(dist, 'store/sites.js'));
const { createRescorer } = await import(join(dist, 'score/rescore.js'));
const { startCheckpointer } = await import(join(dist, 'intake/checkpointer.js'));
const { scoreCompany, defaultScoringModel } = await import(join(dist, 'score/model.js'));
const checkThread = existsSync(join(dist, 'jobs/score-check-thread.js')) ? await import(join(dist, 'jobs/score-check-thread.js')) : null;

/** This thread's CPU time and time waiting for a core, in ms (Linux schedstat), or null. */
function threadTimes() {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { cpu: run / 1e6, wait: wait / 1e6 };
  } catch {
    return null;
  }
}

const DAY = 86_400_000;
const MINUTE = 60_000;
const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** A site of `count` companies with their aggregates and ten paths each, last seen over 60 days before `seenBy`. */
function buildSite(count, seenBy) {
  const dir = mkdtempSync(join(tmpdir(), 'clearview-decay-'));
  const path = join(dir, 'decay.db');
  const setup = openDatabase(path);
  const { site } = createSite(setup, { name: 'Bench', domains: ['example.com'] });
  setup.close();
  const db = new Database(path);
  // Building only: a crash means building again, so no journal and no syncs.
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  const paths = ['/', '/pricing', '/demo', '/blog/a', '/blog/b', '/docs', '/careers', '/security', '/integrations/slack', '/customers', '/contact', '/features'];
  const industries = ['Technology', 'Financial Services', 'Manufacturing', 'Retail', null];
  const companySizes = ['11-50', '51-200', '201-500', '1001-5000', null];
  const insertCompany = db.prepare(
    `INSERT INTO companies (id, site_id, domain, name, industry, size, country, first_seen, last_seen, visitor_count, page_views, sessions, engaged_ms, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'US', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPath = db.prepare('INSERT INTO company_paths (company_id, path, views) VALUES (?, ?, ?)');
  const insertSome = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const id = `comp_bench${i}`;
      const lastSeen = seenBy - (i % 60) * DAY - (i % 997) * MINUTE;
      const views = 1 + (i % 40);
      insertCompany.run(
        id,
        site.id,
        `company${i}.example`,
        `Company ${i}`,
        industries[i % 5],
        companySizes[i % 5],
        lastSeen - DAY,
        lastSeen,
        1 + (i % 7),
        views,
        1 + (i % 9),
        views * 20_000,
        seenBy,
        seenBy,
      );
      for (let p = 0; p < 10; p++) insertPath.run(id, paths[(i + p) % paths.length], 1 + ((i * p) % 5));
    }
  });
  for (let i = 0; i < count; i += 100_000) insertSome(i, Math.min(count, i + 100_000));
  db.pragma('journal_mode = WAL');
  db.close();
  return { dir, path, site };
}

/**
 * One call of refreshStale, with a probe that runs on every turn of the event loop: the
 * longest gap between two probes is the longest the check kept the thread (and so the
 * writer) to itself, its first statement included. Wall time, which a loaded machine
 * stretches; the CPU time this process spent in that gap says how much of it was the
 * check's own work. The checkpointer thread runs beside it as in the collector; a gap in
 * which it wrote the database file is counted apart, since the two then competed for a
 * core and the disk.
 */
async function timedCheck(refresh, path, lag) {
  let longestCheckpoint = 0;
  const longest = { ms: 0, cpuMs: 0, waitMs: 0 };
  const longestWithoutCheckpoint = { ms: 0, cpuMs: 0, waitMs: 0 };
  let over50 = 0;
  let checkpoints = 0;
  let probing = true;
  const started = performance.now();
  let last = started;
  let lastCpu = threadTimes();
  let lastWritten = statSync(path).mtimeMs;
  const measure = () => {
    const t = performance.now();
    const cpu = threadTimes();
    const written = statSync(path).mtimeMs;
    const gap = { ms: t - last, cpuMs: cpu ? cpu.cpu - lastCpu.cpu : NaN, waitMs: cpu ? cpu.wait - lastCpu.wait : NaN };
    if (gap.ms > 50) over50++;
    if (lag) longestCheckpoint = Math.max(longestCheckpoint, lag.behindMs(performance.timeOrigin + performance.now()));
    if (gap.ms > longest.ms) Object.assign(longest, gap);
    if (written !== lastWritten) checkpoints++;
    else if (gap.ms > longestWithoutCheckpoint.ms) Object.assign(longestWithoutCheckpoint, gap);
    last = t;
    lastCpu = cpu;
    lastWritten = written;
  };
  const probe = () => {
    if (!probing) return;
    measure();
    setImmediate(probe);
  };
  setImmediate(probe);
  const examined = await refresh();
  measure();
  probing = false;
  return {
    ms: performance.now() - started,
    longestHold: longest,
    longestHoldWithoutCheckpoint: longestWithoutCheckpoint,
    holdsOver50Ms: over50,
    checkpoints,
    examined,
    longestCheckpointMs: lag ? longestCheckpoint : NaN,
  };
}

/** The pure model, on aggregates read here, at each sampled row's own scored_at gives its breakdown, and at `clock` its total. */
function checkAgainstModel(db, siteId, clock) {
  const ids = db.prepare('SELECT id FROM companies WHERE site_id = ? AND rowid % 997 = 1').pluck().all(siteId);
  const companyRow = db.prepare('SELECT * FROM companies WHERE id = ?');
  const pathRows = db.prepare('SELECT path, views FROM company_paths WHERE company_id = ? ORDER BY views DESC, path LIMIT 50');
  for (const id of ids) {
    const row = companyRow.get(id);
    const facts = {
      pageViews: row.page_views,
      engagedSeconds: Math.round(row.engaged_ms / 1000),
      visitors: row.visitor_count,
      sessions: row.sessions,
      lastSeenMs: row.last_seen,
      pathViews: pathRows.all(row.id),
      industry: row.industry,
      size: row.size,
      country: row.country,
      watched: false,
    };
    const atScoredAt = scoreCompany(facts, defaultScoringModel, row.scored_at);
    const now = scoreCompany(facts, defaultScoringModel, clock);
    if (JSON.stringify(atScoredAt) !== row.score_breakdown || now.total !== row.lead_score) {
      throw new Error(
        `bench/decay: ${row.id} holds ${row.lead_score} (${row.score_breakdown}); the model says ${now.total} now, ${JSON.stringify(atScoredAt)} at scored_at`,
      );
    }
  }
  return ids.length;
}

async function measureSize(count) {
  const t0 = performance.now();
  // Scores are dated so that the last check below is an hour before the real clock: a
  // collector started on this file afterwards finds the state a running one would.
  const start = Date.now() - DAY - 2 * 60 * MINUTE;
  const { dir, path, site } = buildSite(count, start);
  const buildMs = performance.now() - t0;
  // As the writer thread opens it (intake/writer-worker.ts), with the checkpointer thread beside it.
  const db = openDatabase(path, { walAutocheckpointPages: 0, cacheKib: 8_000 });
  const checkpointer = startCheckpointer(path, (error) => console.error(`bench/decay: ${error}`));
  let clock = start;
  const rescorer = createRescorer(db, { now: () => clock });
  const rewritten = db.prepare('SELECT COUNT(*) FROM companies WHERE site_id = ? AND scored_at = ?').pluck();

  const ids = db.prepare('SELECT id FROM companies WHERE site_id = ?').pluck().all(site.id);
  const t1 = performance.now();
  for (let i = 0; i < ids.length; i += 10_000) rescorer.rescore(ids.slice(i, i + 10_000));
  const firstScoreMs = performance.now() - t1;

  // As the writer thread runs it: reads and scoring on the check's thread, writes here.
  // A build with checkpoint lag (intake/checkpoint-lag.js) paces the check's writes by it, as the writer thread does.
  const checks = checkThread ? checkThread.startScoreChecks(path, db, () => clock, checkpointer.lag?.buffer) : null;
  const refresh = () => (checks ? checks.refresh(clock) : rescorer.refreshStale());
  const check = async () => ({ ...(await timedCheck(refresh, path, checkpointer.lag)), rewritten: rewritten.get(site.id, clock) });
  // A build with due times (migration 008) reads every company once after the upgrade, as
  // it left a collector's data: scores without due times, and a row without a model for the
  // site. The first check measures that; before it, the first check is as any other.
  const upgraded = db.prepare("SELECT 1 FROM pragma_table_info('companies') WHERE name = 'score_due'").get() !== undefined;
  if (upgraded) {
    db.prepare('UPDATE companies SET score_due = NULL').run();
    db.prepare('INSERT OR IGNORE INTO score_checks (site_id, checked_at) SELECT id, 0 FROM sites').run();
  }
  clock += 5 * MINUTE;
  const first = await check();
  const fiveMinutes = [];
  for (let r = 0; r < runs; r++) {
    clock += 5 * MINUTE;
    fiveMinutes.push(await check());
  }
  clock += DAY;
  const dayOn = await check();
  const checked = checkAgainstModel(db, site.id, clock);
  await checks?.close();
  await checkpointer.close();
  db.close();
  return { dir, path, site, companies: count, buildMs, firstScoreMs, upgraded, first, fiveMinutes, dayOn, checked };
}

// ---- The flood: a real collector on the largest site.

const toMs = (text) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
};

/** wrk as bench/collect.mjs drives it, without blocking this thread (it polls the database meanwhile). */
function runWrk(port, siteKey, runId, seconds) {
  return new Promise((done) => {
    const child = spawn('wrk', [
      '-t2',
      '-c50',
      `-d${seconds}s`,
      '--latency',
      '-s',
      join(root, 'bench/collect.lua'),
      `http://127.0.0.1:${port}/api/v1/collect`,
      '--',
      siteKey,
      runId,
    ]);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', () => {
      const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const elapsed = toMs(/requests in ([\d.]+(?:us|ms|s))/.exec(out)?.[1] ?? '') / 1000;
      done({ total, non2xx, okPerSecond: (total - non2xx) / elapsed, p99Ms: toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '') });
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function flood(measured) {
  const { path, site } = measured;
  // The state a running collector keeps: every score checked up to four minutes ago. The
  // site's check is dated ahead, so that the build before due times checks it only when a
  // pair below makes it due.
  const db = openDatabase(path);
  const before = Date.now() - 4 * MINUTE;
  await createRescorer(db, { now: () => before }).refreshStale();
  db.prepare('UPDATE score_checks SET checked_at = ?').run(Date.now() + DAY);
  db.close();

  const startArgs = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    .scripts.start.split(/\s+/)
    .slice(1)
    .map((arg) => (arg.endsWith('main.js') || arg.endsWith('start.mjs') ? join(dist, 'main.js') : arg));
  const port = await freePort();
  const child = spawn(process.execPath, startArgs, {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CLEARVIEW_DB: path, CLEARVIEW_TRUST_PROXY: '1', CLEARVIEW_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      break;
    } catch {
      if (i > 600) throw new Error('bench/decay: the collector did not come up');
      await sleep(50);
    }
  }
  // The job timer runs the check at start and every minute after: ticks at about
  // `phase + k minutes`. Pairs two minutes apart: a flood alone, then, after making the
  // site due (for the build before due times: a check of every company, as every four
  // minutes), a flood across the next tick. The build with due times checks what is due
  // on every tick, so its floods alone cross small checks too.
  const phase = Date.now();
  const reader = new Database(path, { readonly: true });
  const checkedAt = reader.prepare('SELECT checked_at FROM score_checks WHERE site_id = ?').pluck();
  const sleepUntil = (t) => sleep(Math.max(0, t - Date.now()));
  await runWrk(port, site.siteKey, 'warm', 3);
  const pairs = [];
  let tick = phase + 2 * MINUTE;
  for (let k = 0; k < floodPairs; k++) {
    await sleepUntil(tick - 50_000);
    const alone = await runWrk(port, site.siteKey, `alone${k}`, floodSeconds);
    await sleepUntil(tick - 15_000);
    const writer = new Database(path, { timeout: 5_000 });
    writer.prepare('UPDATE score_checks SET checked_at = 0 WHERE site_id = ?').run(site.id);
    writer.close();
    const recorded = checkedAt.get(site.id);
    await sleepUntil(tick - 8_000);
    const floodStarted = Date.now();
    const during = runWrk(port, site.siteKey, `during${k}`, floodSeconds);
    let checkEndedAfterMs = null;
    while (checkEndedAfterMs === null && Date.now() - floodStarted < (floodSeconds + 180) * 1000) {
      if (checkedAt.get(site.id) !== recorded) checkEndedAfterMs = Date.now() - floodStarted;
      else await sleep(100);
    }
    pairs.push({ alone, duringCheck: await during, checkEndedAfterFloodStartMs: checkEndedAfterMs });
    tick += 2 * MINUTE;
    while (tick - 50_000 < Date.now()) tick += MINUTE;
  }
  reader.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { seconds: floodSeconds, pairs };
}

const results = [];
for (const count of sizes) results.push(await measureSize(count));
let floodResult = null;
if (floodSeconds > 0 && !spawnSync('wrk', ['--version']).error) floodResult = await flood(results.at(-1));
else if (floodSeconds > 0) console.log('bench/decay: wrk is not installed (apt-get install -y wrk); flood skipped');
for (const r of results) rmSync(r.dir, { recursive: true, force: true });

const rows = [];
for (const r of results) {
  const upgradedLabel = r.upgraded ? 'first check after the upgrade (every company once)' : 'first check after every company was scored';
  const size = fmt(r.companies);
  const five = r.fiveMinutes;
  const hold = (h) => `${fmt(h.ms)} ms (CPU ${fmt(h.cpuMs)}, waiting for a core ${fmt(h.waitMs)})`;
  const longest = (list, pick) => pick(list.reduce((a, b) => (pick(b).ms > pick(a).ms ? b : a)));
  const cells = (list) => [
    hold(longest(list, (c) => c.longestHold)),
    `${hold(longest(list, (c) => c.longestHoldWithoutCheckpoint))}; ${list.map((c) => fmt(c.checkpoints)).join(', ')}`,
    list.map((c) => fmt(c.holdsOver50Ms)).join(', '),
    list.map((c) => (Number.isNaN(c.longestCheckpointMs) ? '-' : `${fmt(c.longestCheckpointMs)} ms`)).join(', '),
    list.map((c) => fmt(c.examined)).join(', '),
    list.map((c) => fmt(c.rewritten)).join(', '),
  ];
  rows.push([size, upgradedLabel, `${fmt(r.first.ms)} ms`, ...cells([r.first])]);
  rows.push([
    size,
    `clock 5 min on (${runs} runs: median; longest)`,
    `**${fmt(median(five.map((c) => c.ms)))} ms**`,
    ...cells(five).map((c, i) => (i < 2 ? `**${c}**` : c)),
  ]);
  rows.push([size, 'clock a day on', `${fmt(r.dayOn.ms)} ms`, ...cells([r.dayOn])]);
}
console.log(
  table(
    [
      'companies',
      'decay check',
      'total',
      'longest hold of the writer (its thread CPU, and its wait for a core)',
      'longest hold with no checkpointer write in it; gaps with one',
      'holds over 50 ms',
      'longest checkpoint under way',
      'companies read',
      'breakdowns rewritten',
    ],
    rows,
  ),
);
console.log(`\ntarget: longest hold <= 50 ms at 1M; ${results.map((r) => `${r.checked} companies at ${fmt(r.companies)}`).join(', ')} checked against the pure model`);
console.log(`set-up: ${results.map((r) => `${fmt(r.companies)}: built in ${fmt(r.buildMs)} ms, first score of every company ${fmt(r.firstScoreMs)} ms`).join('; ')}`);
if (floodResult) {
  const f = floodResult;
  const sum = (pick) => f.pairs.reduce((n, p) => n + pick(p), 0);
  const line = (label, w, check = '') => [label, fmt(w.total), fmt(w.non2xx), fmt(w.okPerSecond), w.p99Ms.toFixed(1), check];
  const rows = f.pairs.flatMap((p, i) => [
    line(`${i + 1}: alone`, p.alone),
    line(
      `${i + 1}: across the timer's check`,
      p.duringCheck,
      p.checkEndedAfterFloodStartMs === null ? 'not within the wait' : `${fmt(p.checkEndedAfterFloodStartMs)} ms`,
    ),
  ]);
  console.log(`\n### Beacon floods (wrk -t2 -c50, ${f.seconds} s each, bench/collect.lua) on the ${fmt(results.at(-1).companies)}-company site\n`);
  console.log(table(['flood', 'requests', '503s (non-2xx)', '2xx/s', 'p99 ms', 'check recorded after the flood began'], rows));
  console.log(`\nnon-2xx in all: ${fmt(sum((p) => p.alone.non2xx))} alone, ${fmt(sum((p) => p.duringCheck.non2xx))} across the checks`);
}
saveResult('decay', {
  dist,
  sizes: results.map(({ dir, path, site, ...r }) => r),
  flood: floodResult,
});
