// Rescoring 100,000 companies end to end: read each company's aggregates and top paths
// from a SQLite file, apply the site's model, write back what changed. Three cases:
// - every company with the clock five minutes on (what the decay check did before it read
//   only the companies due; bench/decay.mjs measures the check itself);
// - the same clock again (nothing changed since the last rescore);
// - a scoring-model change: every breakdown names the new model, so every row is written.
// Afterwards a sample of companies is scored again with the pure model, from an
// independent read of their aggregates, and must match what the database holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, saveResult, table } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.env.BENCH_COMPANIES ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dist = join(root, 'packages/collector/dist');
const { openDatabase } = await import(join(dist, 'store/db.js'));
const { createSite } = await import(join(dist, 'store/sites.js'));
const { listSiteCompanyIds } = await import(join(dist, 'store/company-scores.js'));
const { createRescorer } = await import(join(dist, 'score/rescore.js'));
const { scoreCompany, defaultScoringModel, mergeScoringModel } = await import(join(dist, 'score/model.js'));

const dir = mkdtempSync(join(tmpdir(), 'clearview-rescore-'));
const db = openDatabase(join(dir, 'rescore.db'));
const { site } = createSite(db, { name: 'Bench', domains: ['example.com'] });
const start = Date.parse('2026-11-23T12:00:00Z');
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
    const lastSeen = start - (i % 60) * 86_400_000 - (i % 997) * 60_000;
    const views = 1 + (i % 40);
    insertCompany.run(
      id,
      site.id,
      `company${i}.example`,
      `Company ${i}`,
      industries[i % 5],
      sizes[i % 5],
      lastSeen - 86_400_000,
      lastSeen,
      1 + (i % 7),
      views,
      1 + (i % 9),
      views * 20_000,
      start,
      start,
    );
    for (let p = 0; p < 10; p++) insertPath.run(id, paths[(i + p) % paths.length], 1 + ((i * p) % 5));
  }
})();
db.pragma('wal_checkpoint(TRUNCATE)');

const ids = listSiteCompanyIds(db, site.id);
let clock = start;
const rescorer = createRescorer(db, { now: () => clock });
// Rows written: those stamped with this run's clock, or, at a clock already used, any change at all.
const stamped = db.prepare('SELECT COUNT(*) FROM companies WHERE site_id = ? AND scored_at = ?').pluck();
const changes = db.prepare('SELECT total_changes()').pluck();
const timed = (clockIsNew = true) => {
  const before = changes.get();
  const t0 = performance.now();
  rescorer.rescore(ids);
  const ms = performance.now() - t0;
  return { ms, written: clockIsNew ? stamped.get(site.id, clock) : changes.get() - before };
};

const first = timed();
const decay = [];
const same = [];
const modelChange = [];
for (let r = 0; r < runs; r++) {
  clock += 5 * 60_000;
  decay.push(timed());
  same.push(timed(false));
}
// Alternate the ideal-customer profile, so every run changes the model label of every breakdown.
const icps = [['Technology', 'Retail'], ['Manufacturing']];
const setModel = db.prepare('UPDATE sites SET settings = ? WHERE id = ?');
for (let r = 0; r < runs; r++) {
  setModel.run(JSON.stringify({ scoring: { fit: { icp: { industries: icps[r % 2] } } } }), site.id);
  clock += 1;
  modelChange.push(timed());
}

// The check: the pure model, on aggregates read here, at each row's own scored_at, gives
// exactly the stored breakdown; and at the last clock it gives the stored total.
const model = mergeScoringModel(defaultScoringModel, { fit: { icp: { industries: icps[(runs - 1) % 2] } } });
const companyRow = db.prepare('SELECT * FROM companies WHERE id = ?');
const pathRows = db.prepare('SELECT path, views FROM company_paths WHERE company_id = ? ORDER BY views DESC, path LIMIT 50');
let checked = 0;
for (let i = 0; i < ids.length; i += Math.max(1, Math.floor(ids.length / 1_000))) {
  const row = companyRow.get(ids[i]);
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
  const atScoredAt = scoreCompany(facts, model, row.scored_at);
  const now = scoreCompany(facts, model, clock);
  if (JSON.stringify(atScoredAt) !== row.score_breakdown || now.total !== row.lead_score) {
    throw new Error(
      `bench/rescore: ${row.id} holds ${row.lead_score} (${row.score_breakdown}); the model says ${now.total} now, ${JSON.stringify(atScoredAt)} at scored_at`,
    );
  }
  checked++;
}
db.close();
rmSync(dir, { recursive: true, force: true });

const summary = (list) => ({ medianMs: median(list.map((r) => r.ms)), runsMs: list.map((r) => Math.round(r.ms)), rowsWritten: list.map((r) => r.written) });
const result = { companies: ids.length, first: summary([first]), decayCheck: summary(decay), sameClock: summary(same), modelChange: summary(modelChange), checked };
const line = (label, s) => [label, `**${s.medianMs.toFixed(0)} ms**`, s.runsMs.join(', ') + ' ms', s.rowsWritten.map((n) => n.toLocaleString('en-US')).join(', ')];
console.log(
  table(
    [`rescore ${ids.length.toLocaleString('en-US')} companies (read aggregates, score, write what changed)`, `median of ${runs}`, 'runs', 'rows written'],
    [
      line('every company, clock 5 min on', result.decayCheck),
      line('same clock again', result.sameClock),
      line('scoring model changed (every row written)', result.modelChange),
      ['first score of every company', `${first.ms.toFixed(0)} ms`, '1 run', first.written.toLocaleString('en-US')],
      ['target', '< 2000 ms', '', `${checked} companies checked against the pure model`],
    ],
  ),
);
saveResult('rescore', result);
