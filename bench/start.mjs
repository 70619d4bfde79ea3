// Start time: from spawning the collector to its first /healthz 200, on a fresh database each time,
// through `npm start` and through `node packages/collector/dist/main.js`. Issue 15's target is 5 s for
// `npm start`. The load average is printed beside the figures: on a shared machine it moves them most.
// Run after `npm run build`. BENCH_RUNS (default 5) starts of each, alternated; the median is reported.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, saveResult, table } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ways = {
  'npm start': [npm, ['start', '--silent']],
  'dist/main.js': [process.execPath, ['packages/collector/dist/main.js']],
};

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Milliseconds from spawn to the first /healthz 200; the process (and npm's child) is then stopped. */
async function startOnce([command, args]) {
  const dir = mkdtempSync(join(tmpdir(), 'clearview-bench-start-'));
  const port = await freePort();
  const started = performance.now();
  // Its own process group, so that npm's child collector is stopped with it.
  const child = spawn(command, args, {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CLEARVIEW_DB: join(dir, 'clearview.db'), CLEARVIEW_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let ms = null;
  try {
    for (const deadline = started + 120_000; performance.now() < deadline && child.exitCode === null;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) {
        ms = performance.now() - started;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  if (ms === null) throw new Error(`${command} ${args.join(' ')} did not answer /healthz`);
  return ms;
}

const times = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
const loadBefore = loadavg()[0];
for (let i = 0; i < runs; i++) for (const [name, way] of Object.entries(ways)) times[name].push(await startOnce(way));
const loadAfter = loadavg()[0];

const rows = Object.entries(times).map(([name, list]) => [
  name,
  `${(median(list) / 1000).toFixed(2)} s`,
  `${(Math.min(...list) / 1000).toFixed(2)}-${(Math.max(...list) / 1000).toFixed(2)} s`,
]);
console.log(table(['start', `median of ${runs}`, 'range'], rows));
console.log(`load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after; target: npm start within 5 s`);
saveResult('start', {
  runs,
  loadAverage: { before: loadBefore, after: loadAfter },
  medianMs: Object.fromEntries(Object.entries(times).map(([name, list]) => [name, Math.round(median(list))])),
  ms: Object.fromEntries(Object.entries(times).map(([name, list]) => [name, list.map(Math.round)])),
});
