// How long the insight rollups hold the writer at a time on a large site: each slice of the
// rollup rebuild (clearview rollups rebuild, which may run beside a collector) and of the
// insight follower (on the writer thread, between batches) is one write transaction, and a
// batch's commit waits for it.
//
// On a copy of a site from bench/generate-site.mjs, with the checkpointer thread running as
// in the collector and the writer thread's connection settings:
//   1. the rebuild of the site's rollups as with the collector stopped, every slice timed;
//   2. the follower, its watermark moved back BENCH_FOLLOW_ROWS page views (so it counts
//      them a second time: the copy is thrown away), every slice timed.
// Then the follower again with the OS page cache dropped first (root only), as after a reboot,
// and the rebuild again as beside a running collector (short slices, a pause after each).
//
//   npm run build && node bench/rollup-holds.mjs
//
// Environment: BENCH_DB (default .bench/site-1000000-10000000.db, else .bench/site.db), BENCH_FOLLOW_ROWS (200000),
// BENCH_REBUILD_BESIDE (0 skips the rebuild beside a collector, the longest part), BENCH_DIST (another build's dist),
// BENCH_COPY_DIR (a folder for the copy, default the system's temporary folder).
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(root, 'packages/collector/dist');
// The 1M site where it was made (generate-site.mjs --size=1m), else the default 100k one.
const source =
  process.env.BENCH_DB ??
  [join(root, '.bench/site-1000000-10000000.db'), join(root, '.bench/site.db')].find((path) => existsSync(`${path}.json`)) ??
  join(root, '.bench/site.db');
const followRows = Number(process.env.BENCH_FOLLOW_ROWS ?? 200_000);
const beside = process.env.BENCH_REBUILD_BESIDE !== '0';
if (!existsSync(`${source}.json`)) {
  console.error(`bench/rollup-holds: no site at ${source}; make one with bench/generate-site.mjs --size=1m`);
  process.exit(1);
}
const meta = JSON.parse(readFileSync(`${source}.json`, 'utf8'));
const { openDatabase } = await import(join(dist, 'store/db.js'));
const { startCheckpointer } = await import(join(dist, 'intake/checkpointer.js'));
const rollups = await import(join(dist, 'jobs/insight-rollups.js'));
const { followPageViews } = await import(join(dist, 'store/insight-rollups.js'));
// A build before slices sized by time (jobs/slice-sizer.js) took fixed slices: 100,000 page view ids a rebuild slice, 2,000 page views a follower slice.
const sized = 'followSlices' in rollups;

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** Drops the OS page cache (needs root); false when it cannot. */
function dropCaches() {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

function summary(label, times, rows) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    label,
    slices: times.length,
    rows,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    longest: sorted.at(-1) ?? NaN,
    over50: times.filter((t) => t > 50).length,
    totalMs: times.reduce((a, b) => a + b, 0),
  };
}

/** The follower from `rows` page views back, every slice timed (it counts them a second time: the copy is thrown away). */
async function follow(db, label) {
  db.prepare('UPDATE insight_progress SET last_id = max(0, (SELECT max(id) FROM page_view_rows) - ?) WHERE id = 1').run(followRows);
  const times = [];
  let read = 0;
  if (sized) read = await rollups.followInsights(db, { onSlice: (_rows, ms) => times.push(ms) });
  else
    for (;;) {
      const t0 = performance.now();
      const n = followPageViews(db, 2_000);
      times.push(performance.now() - t0);
      read += n;
      if (n < 2_000) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  return summary(label, times, read);
}

async function measure() {
  const dir = mkdtempSync(join(process.env.BENCH_COPY_DIR ?? tmpdir(), 'clearview-rollup-holds-'));
  const path = join(dir, 'site.db');
  try {
    for (const suffix of ['', '-wal']) if (existsSync(source + suffix)) copyFileSync(source + suffix, path + suffix);
    // As the writer thread opens it (intake/writer-worker.ts), with the checkpointer thread beside it.
    const db = openDatabase(path, { walAutocheckpointPages: 0, cacheKib: 8_000 });
    const checkpointer = startCheckpointer(path, (error) => console.error(`bench/rollup-holds: ${error}`));
    const results = [];
    const rebuild = async (besideCollector) => {
      const times = [];
      let last = performance.now();
      const started = performance.now();
      const counted = sized
        ? await rollups.rebuildInsights(db, meta.siteId, { besideCollector, onSlice: (_rows, ms) => times.push(ms) })
        : await rollups.rebuildInsights(db, meta.siteId, () => {
            const now = performance.now();
            times.push(now - last);
            last = now;
          });
      results.push({ ...summary(besideCollector ? 'rebuild beside a collector' : 'rebuild, collector stopped', times, counted), wallMs: performance.now() - started });
    };
    // As with the collector stopped first: the follower then runs on rollups of the whole site.
    await rebuild(false);
    results.push(await follow(db, 'follower'));
    if (dropCaches()) results.push(await follow(db, 'follower, page cache dropped first'));
    if (sized && beside) await rebuild(true);
    await checkpointer.close();
    db.close();
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = await measure();
const rows = results.map((r) => [
  r.label,
  fmt(r.rows),
  fmt(r.slices),
  `${fmt(r.totalMs)} ms${r.wallMs ? ` (${fmt(r.wallMs)} ms with pauses)` : ''}`,
  `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}`,
  `**${r.longest.toFixed(1)} ms**`,
  fmt(r.over50),
]);
console.log(`### Rollup slices on ${fmt(meta.companies)} companies / ${fmt(meta.pageViews ?? meta.requestedPageViews)} page views\n`);
console.log(table(['job', 'page views', 'slices', 'in all', 'slice p50 / p99 ms', 'longest slice', 'slices over 50 ms'], rows));
console.log('\ntarget: every slice (one write transaction) <= 50 ms at 1M');
saveResult('rollup-holds', { source, followRows, results, dist, sized });
