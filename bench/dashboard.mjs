// The dashboard's weight and speed: bytes gzip of what /dashboard/ loads, and the time until the
// companies, company and insights pages are usable (their data drawn), median of 5 loads in Chromium.
//
//   npm run build && node bench/dashboard.mjs
//
// The data: a copy of the synthetic site of bench/generate-site.mjs: BENCH_SOURCE_DB, else this
// checkout's .bench/site.db (100,000 companies, 5,000,000 page views), else the smaller
// .bench/site-10000-500000.db, each only when complete (its .json beside it, no -wal being written).
// The copy goes to .bench/dashboard-site.db, so the source is never written. Prints the load average,
// and for each page the slowest API request of its median load. Writes .bench/dashboard.json.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { median, saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'packages/dashboard/dist');
if (!existsSync(join(dist, 'assets/app.js'))) {
  console.error('bench/dashboard: run `npm run build` first');
  process.exit(1);
}

// Bytes: every file the page loads.
const files = ['index.html', ...readdirSync(join(dist, 'assets')).map((name) => `assets/${name}`)];
const sizes = files.map((name) => {
  const body = readFileSync(join(dist, name));
  return { name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
});
const assetsGzip = sizes.filter((s) => /\.(js|css)$/.test(s.name)).reduce((sum, s) => sum + s.gzip, 0);
console.log(
  table(
    ['file', 'bytes', 'gzip -9'],
    sizes.map((s) => [s.name, s.raw, s.gzip]),
  ),
);
console.log(`\nJS + CSS: ${assetsGzip} bytes gzip (budget 100 KB)\n`);

/** A source site that is whole: its metadata written and no WAL of a generator still running. */
function completeSite(path) {
  return path && existsSync(path) && existsSync(`${path}.json`) && !existsSync(`${path}-wal`) ? path : null;
}
const source = completeSite(process.env.BENCH_SOURCE_DB) ?? completeSite(join(root, '.bench/site.db')) ?? completeSite(join(root, '.bench/site-10000-500000.db'));
if (!source) {
  console.log('bench/dashboard: no complete synthetic site to copy; make one with node bench/generate-site.mjs and set BENCH_SOURCE_DB');
  saveResult('dashboard', { assetsGzip, sizes });
  process.exit(0);
}
const meta = JSON.parse(readFileSync(`${source}.json`, 'utf8'));
mkdirSync(join(root, '.bench'), { recursive: true });
const dbPath = join(root, '.bench/dashboard-site.db');
for (const suffix of ['', '-wal', '-shm', '.lock']) rmSync(`${dbPath}${suffix}`, { force: true });
rmSync(`${dbPath}-intake`, { recursive: true, force: true });
copyFileSync(source, dbPath);
console.log(`site: a copy of ${source} (${meta.companies} companies, ${meta.pageViews} page views)`);

const { loadConfig } = await import(join(root, 'packages/collector/dist/config.js'));
const { startServer } = await import(join(root, 'packages/collector/dist/server.js'));
const { createLogger } = await import(join(root, 'packages/collector/dist/logger.js'));
const { createDashboardLink } = await import(join(root, 'packages/collector/dist/dashboard-link.js'));
const loadBefore = loadavg().map((n) => n.toFixed(2));
console.log(`load average before: ${loadBefore.join(' ')}`);
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', CLEARVIEW_DB: dbPath, LOG_LEVEL: 'silent' });
const server = await startServer({ config, logger: createLogger('silent') });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const results = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const signIn = await context.newPage();
  await signIn.goto(createDashboardLink(server.ctx.db, { siteId: meta.siteId, permission: 'read' }, server.url).url);
  await signIn.locator('#company-count').waitFor({ timeout: 60_000 });
  const top = await signIn.locator('main table tbody tr td:first-child a').first().getAttribute('href');
  await signIn.close();

  // Usable: the page's own data is drawn (the company count, every section of a company, the charts or the note that insights are missing).
  const pages = [
    ['companies', '/dashboard/companies', '#company-count'],
    ['company', top, 'main section h2:text-is("Outreach drafts")'],
    ['insights', '/dashboard/insights?days=30&tz=Europe%2FBerlin', 'main svg.chart, main .notice'],
  ];
  for (const [name, path, ready] of pages) {
    const times = [];
    const slowest = [];
    let note = '';
    for (let run = 0; run < 5; run++) {
      const page = await context.newPage();
      // Each API request's time from its start to the end of its answer, to name what a slow page waits for.
      const requests = [];
      page.on('requestfinished', (request) => {
        const url = new URL(request.url());
        if (!url.pathname.startsWith('/api/')) return;
        const timing = request.timing();
        requests.push({ path: `${request.method()} ${url.pathname}${url.search}`, ms: Math.round(timing.responseEnd) });
      });
      const started = performance.now();
      await page.goto(`${server.url}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 60_000 });
      times.push(performance.now() - started);
      slowest.push(requests.sort((a, b) => b.ms - a.ms)[0] ?? null);
      if (name === 'insights' && (await page.locator('main .notice').count()) > 0) note = 'insights API not on this branch: time to the note saying so';
      await page.close();
    }
    const medianRun = times.indexOf([...times].sort((a, b) => a - b)[2]);
    results.push({ page: name, medianMs: Math.round(median(times)), runsMs: times.map((t) => Math.round(t)), slowestApi: slowest[medianRun], note });
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(
  table(
    ['page', 'usable, median of 5', 'runs', 'slowest API request (median run)', 'note'],
    results.map((r) => [r.page, `${r.medianMs} ms`, r.runsMs.join(', '), r.slowestApi ? `${r.slowestApi.path} ${r.slowestApi.ms} ms` : '', r.note || '']),
  ),
);
const loadAfter = loadavg().map((n) => n.toFixed(2));
console.log(`load average after: ${loadAfter.join(' ')}`);
saveResult('dashboard', { assetsGzip, sizes, site: { source, companies: meta.companies, pageViews: meta.pageViews }, pages: results, loadBefore, loadAfter });
