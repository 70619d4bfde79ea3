// Rescoring 100,000 companies end to end: read each company's aggregates and top
// paths from SQLite, apply the default model, write score and breakdown back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.env.BENCH_COMPANIES ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const { openDatabase } = await import(join(root, 'packages/collector/dist/store/db.js'));
const { createSite } = await import(join(root, 'packages/collector/dist/store/sites.js'));
const { listSiteCompanyIds } = await import(join(root, 'packages/collector/dist/store/company-scores.js'));
const { createRescorer } = await import(join(root, 'packages/collector/dist/score/rescore.js'));

const dir = mkdtempSync(join(tmpdir(), 'clearview-rescore-'));
const db = openDatabase(join(dir, 'rescore.db'));
const { site } = createSite(db, { name: 'Bench', domains: ['example.com'] });
const now = Date.parse('2026-11-23T12:00:00Z');
const paths = ['/', '/pricing', '/demo', '/blog/a', '/blog/b', '/docs', '/careers', '/security', '/integrations/slack', '/customers', '/contact', '/features'];
const industries = ['Technology', 'Financial Services', 'Manufacturing', 'Retail', null];
const sizes = ['11-50', '51-200', '201-500', '1001-5000', null];
const insertCompany = db.prepare(
  `INSERT INTO companies (id, site_id, domain, name, industry, size, country, first_seen, last_seen, visitor_count, page_views, sessions, engaged_ms, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, 'US', ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertPath = db.prepare('INSERT INTO company_paths (company_id, path, views) VALUES (?, ?, ?)');
db.transaction(() => {
  for (let i = 0; i < count; i++) {
    const id = `comp_bench${i}`;
    const lastSeen = now - (i % 60) * 86_400_000;
    const views = 1 + (i % 40);
    insertCompany.run(id, site.id, `company${i}.example`, `Company ${i}`, industries[i % 5], sizes[i % 5], lastSeen - 86_400_000, lastSeen, 1 + (i % 7), views, 1 + (i % 9), views * 20_000, now, now);
    for (let p = 0; p < 10; p++) insertPath.run(id, paths[(i + p) % paths.length], 1 + ((i * p) % 5));
  }
})();
const ids = listSiteCompanyIds(db, site.id);
const rescorer = createRescorer(db, { now: () => now });
const times = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  rescorer.rescore(ids);
  times.push(performance.now() - t0);
}
db.close();
rmSync(dir, { recursive: true, force: true });
const result = { companies: ids.length, medianMs: median(times), runsMs: times };
console.log(
  table(
    ['rescore (read aggregates, score, write back)', 'value'],
    [
      ['companies', ids.length.toLocaleString('en-US')],
      [`median of ${runs} runs`, `**${result.medianMs.toFixed(0)} ms**`],
      ['all runs', times.map((t) => t.toFixed(0)).join(', ') + ' ms'],
      ['target', '< 2000 ms'],
    ],
  ),
);
saveResult('rescore', result);
