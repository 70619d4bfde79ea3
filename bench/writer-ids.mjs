// What the tracker's time-first ids save the batch writer, in a database with history:
// visitors arrive, make one to seven page views (2,000 active at a time), and leave; a
// quarter of the events are engagement. 400,000 events fill the database, then 100,000
// more are timed, committed in batches of 2,048 as the writer thread does. Compares ids
// of 96 random bits (what the tracker sent before) with the same behind the time in
// milliseconds (packages/tracker/src/ids.ts). Standalone: node bench/writer-ids.mjs (after
// npm run build); about two minutes. Prints CPU and bytes written per event.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const mode = process.argv[2];
if (mode !== 'random' && mode !== 'time') {
  // Parent: each measurement in a fresh process, the two kinds of id alternating.
  const rounds = Number(process.env.BENCH_RUNS ?? 2);
  const results = { random: [], time: [] };
  for (let i = 0; i < rounds; i++) {
    for (const kind of ['random', 'time']) {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), kind], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`bench/writer-ids ${kind}: ${child.stderr}`);
      results[kind].push(JSON.parse(child.stdout));
    }
  }
  const row = (kind, label) => [
    label,
    median(results[kind].map((r) => r.usPerEvent)).toFixed(1),
    Math.round(median(results[kind].map((r) => r.bytesPerEvent))).toLocaleString('en'),
  ];
  console.log(`\n### Batch writer, database with history (500,000 events, the last 100,000 timed; ${rounds} runs each, medians)\n`);
  console.log(
    table(['ids', 'writer CPU µs/event', 'bytes written/event'], [row('random', '96 random bits (before)'), row('time', 'time in milliseconds, then 96 random bits')]),
  );
  saveResult('writer-ids', results);
  process.exit(0);
}
const { openDatabase } = await import(join(root, 'packages/collector/dist/store/db.js'));
const { createSite } = await import(join(root, 'packages/collector/dist/store/sites.js'));
const { commitRecords, recordBatch } = await import(join(root, 'packages/collector/dist/intake/commit.js'));
const dir = mkdtempSync(join(tmpdir(), 'cvw-'));
const path = join(dir, 'w.db');
const setup = openDatabase(path);
const { site } = createSite(setup, { name: 'B', domains: ['example.com'] });
setup.close();
const db = openDatabase(path, { walAutocheckpointPages: 10_000, cacheKib: 8_000 });
const wchar = () => Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))[1]);
const rnd = Math.random;
const digits = () => crypto.getRandomValues(new Uint32Array(3)).join('');
let clock = Date.UTC(2026, 0, 1);
const newId = () => (mode === 'time' ? String(clock) : '') + digits();
// Active visitors: each has an id and page views left; 2,000 active at a time, 1 to 7 page views each.
const active = [];
let counter = 0;
let lastPv = null;
function record() {
  counter++;
  clock += 50; // 20 events a second of simulated time
  while (active.length < 2000) active.push({ id: newId(), left: 1 + Math.floor(rnd() * 7) });
  const i = Math.floor(rnd() * active.length);
  const v = active[i];
  if (lastPv && counter % 4 === 0) return { kind: 'engagement', siteId: site.id, pageViewId: lastPv, ts: clock, engagedMs: 1 };
  lastPv = newId();
  if (--v.left === 0) {
    active[i] = active[active.length - 1];
    active.pop();
  }
  return {
    kind: 'pageview',
    siteId: site.id,
    visitorId: v.id,
    pageViewId: lastPv,
    ts: clock,
    url: 'https://www.example.com/pricing',
    path: '/pricing',
    query: null,
    utm: { source: null, medium: null, campaign: null, term: null, content: null },
    referrer: null,
    referrerDomain: null,
    title: 'Example page',
    screenWidth: 1440,
    ip: '81.2.69.160',
    country: 'GB',
    asn: 7922,
    browser: 'Chrome',
    os: 'Windows',
    device: 'desktop',
    isBot: false,
    company: null,
    source: 'tracker',
  };
}
let seq = 0;
function run(events) {
  const recs = [];
  for (let i = 0; i < events; i++) recs.push(record());
  const w0 = wchar();
  const c0 = process.cpuUsage();
  for (let done = 0; done < events; done += 2048)
    commitRecords(
      db,
      recordBatch(
        recs.slice(done, done + 2048),
        recs.slice(done, done + 2048).map(() => ++seq),
      ),
      Date.now(),
    );
  const c = process.cpuUsage(c0);
  return { bytesPerEvent: (wchar() - w0) / events, usPerEvent: (c.user + c.system) / events };
}
run(400_000);
const result = run(100_000);
db.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify(result));
