import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scoreCompany } from '../../packages/collector/src/score/model.js';
import { createRescorer, type Rescorer } from '../../packages/collector/src/score/rescore.js';
import { addCompanyEngagement, addCompanyPageView, upsertSeenCompany } from '../../packages/collector/src/store/companies.js';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { getSiteScoringModel, updateSite } from '../../packages/collector/src/store/site-settings.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { DAY_MS, NOW } from './fixtures.js';
import { storedFacts } from './stored-facts.js';

interface Row {
  id: string;
  site_id: string;
  lead_score: number;
  score_breakdown: string | null;
  scored_at: number | null;
}

let db: Db;
let siteId: string;
let clock: number;
let rescorer: Rescorer;

beforeEach(() => {
  db = openDatabase(':memory:');
  siteId = createSite(db, { name: 'Test', domains: ['example.com'] }, NOW).site.id;
  clock = NOW;
  rescorer = createRescorer(db, { now: () => clock });
});
afterEach(() => db.close());

function visit(domain: string, path: string, options: { site?: string; at?: number; visitor?: string; engagedMs?: number } = {}): string {
  const id = upsertSeenCompany(db, options.site ?? siteId, { domain }, options.at ?? clock);
  addCompanyPageView(db, id, { visitorId: options.visitor ?? 'v1', path, newSession: false });
  if (options.engagedMs) addCompanyEngagement(db, id, options.engagedMs);
  return id;
}

const row = (id: string) => db.prepare('SELECT id, site_id, lead_score, score_breakdown, scored_at FROM companies WHERE id = ?').get(id) as Row;

const factsOf = (id: string) => storedFacts(db, id);

/** The pure model on aggregates read here. */
function modelSays(id: string, at: number) {
  const { facts, model } = factsOf(id);
  return scoreCompany(facts, model, at);
}

/** A company seen three days ago: 34.6 points decayed to 29.8, far from a rounding edge, so a few minutes change no total. */
function acme(): string {
  const at = NOW - 3 * DAY_MS;
  visit('acme.com', '/pricing', { at, engagedMs: 200_000 });
  visit('acme.com', '/demo', { at, visitor: 'v2' });
  return visit('acme.com', '/blog/launch', { at, visitor: 'v3' });
}

describe('rescore', () => {
  it("stores the pure model's total and breakdown at the rescore's clock", () => {
    const id = acme();
    expect(rescorer.rescore([id])).toBe(1);
    const stored = row(id);
    expect(stored.lead_score).toBe(modelSays(id, NOW).total);
    expect(stored.lead_score).toBeGreaterThan(0);
    expect(stored.score_breakdown).toBe(JSON.stringify(modelSays(id, NOW)));
    expect(stored.scored_at).toBe(NOW);
  });

  it('keeps the row when neither the total nor the inputs changed: the breakdown still explains the total at its own clock', () => {
    const id = acme();
    rescorer.rescore([id]);
    clock = NOW + 5 * 60_000;
    expect(modelSays(id, clock).total).toBe(modelSays(id, NOW).total);
    expect(modelSays(id, clock).components[4]!.facts).not.toEqual(modelSays(id, NOW).components[4]!.facts);
    expect(rescorer.rescore([id])).toBe(1);
    expect(row(id)).toMatchObject({ lead_score: modelSays(id, clock).total, scored_at: NOW, score_breakdown: JSON.stringify(modelSays(id, NOW)) });
  });

  it('rewrites the row when decay moves the total', () => {
    const id = acme();
    rescorer.rescore([id]);
    const before = row(id).lead_score;
    clock = NOW + 7 * DAY_MS;
    rescorer.rescore([id]);
    expect(row(id).lead_score).toBeLessThan(before);
    expect(row(id)).toMatchObject({ lead_score: modelSays(id, clock).total, scored_at: clock, score_breakdown: JSON.stringify(modelSays(id, clock)) });
  });

  it('rewrites the breakdown when a fact behind it changes, even if the total does not', () => {
    const id = acme();
    rescorer.rescore([id]);
    const before = row(id);
    // Without an ideal-customer profile the industry earns nothing, but the breakdown shows it.
    db.prepare("UPDATE companies SET industry = 'Software' WHERE id = ?").run(id);
    clock = NOW + 60_000;
    rescorer.rescore([id]);
    expect(row(id).lead_score).toBe(before.lead_score);
    expect(row(id).scored_at).toBe(clock);
    expect(row(id).score_breakdown).toBe(JSON.stringify(modelSays(id, clock)));
    expect(row(id).score_breakdown).toContain('"value":"Software"');
  });

  it("rewrites every breakdown when the site's model changes", () => {
    const ids = [acme(), visit('globex.com', '/careers')];
    rescorer.rescore(ids);
    const labels = ids.map((id) => JSON.parse(row(id).score_breakdown!).model);
    updateSite(db, siteId, { settings: { scoring: { recency: { halfLifeDays: 30 } } } });
    clock = NOW + 60_000;
    rescorer.rescore(ids);
    for (const [i, id] of ids.entries()) {
      expect(row(id)).toMatchObject({ scored_at: clock, score_breakdown: JSON.stringify(modelSays(id, clock)) });
      expect(JSON.parse(row(id).score_breakdown!).model).not.toBe(labels[i]);
    }
  });

  it('reads only the 50 most viewed paths of a company, ties going to the first path in order', () => {
    let id = '';
    for (let i = 0; i < 50; i++) {
      id = visit('initech.com', `/a-${String(i).padStart(2, '0')}`);
      visit('initech.com', `/a-${String(i).padStart(2, '0')}`);
    }
    const pricingViews = (n: number) => {
      for (let i = 0; i < n; i++) visit('initech.com', '/pricing');
      rescorer.rescore([id]);
      return JSON.parse(row(id).score_breakdown!).components[1].facts.matched;
    };
    expect(pricingViews(1)).toEqual([]);
    // Two views tie with the /a-NN paths, which sort first.
    expect(pricingViews(1)).toEqual([]);
    expect(pricingViews(1)).toEqual([{ pattern: 'pricing', path: '/pricing', views: 3, weight: 10 }]);
    expect(row(id).score_breakdown).toBe(JSON.stringify(modelSays(id, clock)));
  });

  it('reads paths holding commas, quotes, newlines and non-ASCII characters as they are', () => {
    const odd = ['/pricing,"plans"', '/demo\nnext', '/ünïcode/pricing', '/a\\b', '/x\u2028y'];
    let id = '';
    for (const path of odd) id = visit('umbrella.com', path);
    rescorer.rescore([id]);
    const matched = JSON.parse(row(id).score_breakdown!).components[1].facts.matched;
    expect(matched.map((m: { path: string }) => m.path)).toEqual(['/pricing,"plans"', '/demo\nnext']);
    expect(row(id).score_breakdown).toBe(JSON.stringify(modelSays(id, clock)));
  });

  it('scores a company without page views 0 and skips unknown ids', () => {
    const id = upsertSeenCompany(db, siteId, { domain: 'quiet.com' }, NOW);
    expect(rescorer.rescore([id, 'comp_unknown'])).toBe(1);
    expect(row(id).lead_score).toBe(0);
    expect(JSON.parse(row(id).score_breakdown!).reason).toBe('no_page_views');
  });
});

describe('refreshStale', () => {
  const checks = () => db.prepare('SELECT site_id, checked_at FROM score_checks ORDER BY site_id').all();
  const bySite = (a: { site_id: string }, b: { site_id: string }) => (a.site_id < b.site_id ? -1 : 1);

  /** The first clock after `from` at which the pure model's total of the company differs from its total at `from`. */
  function nextChange(id: string, from: number): number {
    const { facts, model } = factsOf(id);
    const totalAt = (at: number) => scoreCompany(facts, model, at).total;
    const total = totalAt(from);
    let lo = from;
    let hi = from + 1_000 * DAY_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (totalAt(mid) === total) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  it('reads every company once after the upgrade, then only those whose total can have changed, and records when each site held', async () => {
    const other = createSite(db, { name: 'Other', domains: ['other.com'] }, NOW).site.id;
    const ids = [acme(), visit('globex.com', '/pricing', { at: NOW - 20 * DAY_MS }), visit('hooli.com', '/demo', { site: other })];
    rescorer.rescore(ids);
    // As migration 008 leaves a collector's data: scores without due times, and a row without a model for each site.
    db.prepare('UPDATE companies SET score_due = NULL').run();
    db.prepare('INSERT INTO score_checks (site_id, checked_at) SELECT id, 0 FROM sites').run();
    clock = NOW + 5 * 60_000;
    expect(await rescorer.refreshStale()).toBe(3);
    expect(checks()).toEqual(
      [
        { site_id: other, checked_at: clock },
        { site_id: siteId, checked_at: clock },
      ].sort(bySite),
    );

    // Minutes on, every total is far from its rounding edge.
    clock += 5 * 60_000;
    expect(await rescorer.refreshStale()).toBe(0);
    expect(checks()).toEqual(
      [
        { site_id: other, checked_at: clock },
        { site_id: siteId, checked_at: clock },
      ].sort(bySite),
    );

    const stored = ids.map((id) => row(id).lead_score);
    clock = NOW + 3 * DAY_MS;
    const changed = ids.filter((id, i) => modelSays(id, clock).total !== stored[i]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(ids.length);
    expect(await rescorer.refreshStale()).toBe(changed.length);
    for (const id of ids) expect(row(id).lead_score).toBe(modelSays(id, clock).total);
    expect(checks()).toEqual(
      [
        { site_id: other, checked_at: clock },
        { site_id: siteId, checked_at: clock },
      ].sort(bySite),
    );
  });

  it('reads every company of the sites there were once after migration 008 itself, then none until due', async () => {
    const dir = join(import.meta.dirname, '../../packages/collector/migrations');
    const files = readdirSync(dir)
      .filter((file) => /^\d{3}_.*\.sql$/.test(file))
      .sort();
    const old = new Database(':memory:');
    try {
      for (const file of files.filter((f) => Number(f.slice(0, 3)) < 8)) old.exec(readFileSync(join(dir, file), 'utf8'));
      // A site and a company as the rescorer before due times left them.
      old.prepare("INSERT INTO sites (id, name, site_key, webhook_secret_hash, created_at) VALUES ('site_old', 'Old', 'key_old', 'x', ?)").run(NOW);
      old
        .prepare(
          `INSERT INTO companies (id, site_id, domain, page_views, visitor_count, sessions, last_seen, lead_score, score_breakdown, score_inputs, score_base, scored_at, created_at, updated_at)
           VALUES ('comp_old', 'site_old', 'old.com', 4, 2, 3, ?, 20, '{}', 1, 25.5, ?, ?, ?)`,
        )
        .run(NOW - 2 * DAY_MS, NOW - DAY_MS, NOW, NOW);
      old.exec(
        readFileSync(
          join(
            dir,
            files.find((f) => f.startsWith('008_'))!,
          ),
          'utf8',
        ),
      );
      // This database stops at migration 008, before the watch list (009) exists; it gets only
      // the column the rescorer writes since migration 014.
      old.exec('ALTER TABLE companies ADD COLUMN watched_domain TEXT');
      const checker = createRescorer(old, { now: () => clock, watchedDomain: () => null });
      clock = NOW + 60_000;
      expect(await checker.refreshStale()).toBe(1);
      const stored = old.prepare("SELECT lead_score, score_breakdown, score_due FROM companies WHERE id = 'comp_old'").get() as Record<string, any>;
      const expected = scoreCompany(
        {
          pageViews: 4,
          engagedSeconds: 0,
          visitors: 2,
          sessions: 3,
          lastSeenMs: NOW - 2 * DAY_MS,
          pathViews: [],
          industry: null,
          size: null,
          country: null,
          watched: false,
        },
        getSiteScoringModel(old, 'site_old'),
        clock,
      );
      expect(stored).toMatchObject({ lead_score: expected.total, score_breakdown: JSON.stringify(expected) });
      expect(stored.score_due).toBeGreaterThan(clock);
      clock += 60_000;
      expect(await checker.refreshStale()).toBe(0);
    } finally {
      old.close();
    }
  });

  it('reads only the companies due, however many there are', async () => {
    rescorer = createRescorer(db, { now: () => clock, sliceSize: 7 });
    const ids = Array.from({ length: 80 }, (_, i) =>
      visit(`c${i}.com`, ['/pricing', '/blog', '/demo'][i % 3]!, { at: NOW - (i % 40) * DAY_MS, visitor: `v${i % 5}`, engagedMs: i * 7_000 }),
    );
    rescorer.rescore(ids);
    clock = NOW + 60_000;
    // A site created since migration 008 has due times from its companies' first scores: no need to read them all.
    expect(await rescorer.refreshStale()).toBe(0);
    for (const hours of [1, 6, 30]) {
      const from = clock;
      clock = NOW + hours * 3_600_000;
      const stored = new Map(ids.map((id) => [id, row(id).lead_score]));
      const changed = ids.filter((id) => modelSays(id, clock).total !== stored.get(id));
      // Only companies whose total moved are read: none of them within a second of its edge.
      for (const id of changed) expect(nextChange(id, from)).toBeLessThan(clock - 1_000);
      expect(await rescorer.refreshStale()).toBe(changed.length);
      expect(changed.length).toBeLessThan(ids.length / 2);
      for (const id of ids) expect(row(id).lead_score).toBe(modelSays(id, clock).total);
    }
  });

  it('refreshes a due company exactly once its total can change, and not before', async () => {
    const id = acme();
    rescorer.rescore([id]);
    clock = NOW + 60_000;
    await rescorer.refreshStale();
    const edge = nextChange(id, NOW);
    const before = row(id);

    clock = edge - 2_000;
    expect(await rescorer.refreshStale()).toBe(0);
    expect(row(id)).toEqual(before);
    expect(before.lead_score).toBe(modelSays(id, clock).total);

    clock = edge;
    expect(await rescorer.refreshStale()).toBe(1);
    expect(row(id)).toEqual({ ...before, lead_score: modelSays(id, edge).total, score_breakdown: JSON.stringify(modelSays(id, edge)), scored_at: edge });
    expect(row(id).lead_score).toBe(before.lead_score - 1);
    expect(await rescorer.refreshStale()).toBe(0);
  });

  it('reads a company whose facts changed without a rescore (a crash between a commit and its rescore)', async () => {
    const id = acme();
    const quiet = visit('globex.com', '/blog', { at: NOW - 2 * DAY_MS });
    rescorer.rescore([id, quiet]);
    clock = NOW + 60_000;
    await rescorer.refreshStale();
    addCompanyPageView(db, id, { visitorId: 'v9', path: '/pricing', newSession: true });
    clock += 60_000;
    expect(await rescorer.refreshStale()).toBe(1);
    expect(row(id).score_breakdown).toBe(JSON.stringify(modelSays(id, clock)));
    expect(row(id).scored_at).toBe(clock);
    expect(await rescorer.refreshStale()).toBe(0);
  });

  it('reads every company of a site once after its model changed, even if nothing rescored them', async () => {
    const other = createSite(db, { name: 'Other', domains: ['other.com'] }, NOW).site.id;
    const ids = [acme(), visit('globex.com', '/careers'), visit('initech.com', '/demo', { at: NOW - 9 * DAY_MS })];
    const elsewhere = visit('hooli.com', '/demo', { site: other });
    rescorer.rescore([...ids, elsewhere]);
    clock = NOW + 60_000;
    await rescorer.refreshStale();
    updateSite(db, siteId, { settings: { scoring: { recency: { halfLifeDays: 30 } } } });
    clock += 60_000;
    expect(await rescorer.refreshStale()).toBe(ids.length);
    for (const id of ids) expect(row(id)).toMatchObject({ scored_at: clock, score_breakdown: JSON.stringify(modelSays(id, clock)) });
    expect(row(elsewhere).scored_at).toBe(NOW);
    expect(await rescorer.refreshStale()).toBe(0);
  });

  it('leaves no total older than the check, in slices', async () => {
    rescorer = createRescorer(db, { now: () => clock, sliceSize: 3 });
    const ids = Array.from({ length: 10 }, (_, i) => visit(`c${i}.com`, i % 2 ? '/pricing' : '/blog', { at: NOW - i * DAY_MS, engagedMs: i * 30_000 }));
    rescorer.rescore(ids.slice(0, 5));
    clock = NOW + 10 * DAY_MS;
    expect(await rescorer.refreshStale()).toBe(10);
    for (const id of ids) {
      expect(row(id).lead_score).toBe(modelSays(id, clock).total);
      expect(row(id).score_breakdown).toBe(JSON.stringify(modelSays(id, row(id).scored_at!)));
    }
  });

  it('carries on where a chunk out of time stopped, through the due companies and through a site read after a model change', async () => {
    // No time at all: every chunk stops after its first step of companies.
    rescorer = createRescorer(db, { now: () => clock, chunkMs: 0 });
    const ids = Array.from({ length: 80 }, (_, i) => visit(`c${String(i).padStart(2, '0')}.com`, i % 2 ? '/pricing' : '/blog', { at: NOW - (i % 9) * DAY_MS }));
    clock = NOW + 60_000;
    expect(await rescorer.refreshStale()).toBe(ids.length);
    for (const id of ids) addCompanyEngagement(db, id, 45_000);
    clock += 60_000;
    expect(await rescorer.refreshStale()).toBe(ids.length);
    for (const id of ids) expect(row(id)).toMatchObject({ scored_at: clock, score_breakdown: JSON.stringify(modelSays(id, clock)) });
    updateSite(db, siteId, { settings: { scoring: { watchlist: { bonus: 5 } } } });
    clock += 60_000;
    expect(await rescorer.refreshStale()).toBe(ids.length);
    for (const id of ids) expect(row(id)).toMatchObject({ scored_at: clock, score_breakdown: JSON.stringify(modelSays(id, clock)) });
  });

  it('joins a check already running instead of starting a second', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => visit(`c${i}.com`, '/pricing'));
    rescorer = createRescorer(db, { now: () => clock, sliceSize: 2 });
    const [a, b] = await Promise.all([rescorer.refreshStale(), rescorer.refreshStale()]);
    expect([a, b]).toEqual([ids.length, ids.length]);
    expect(await rescorer.refreshStale()).toBe(0);
  });
});

describe('rescore beside another connection', () => {
  it('retries with the write lock when another connection commits between its reads and its writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearview-rescore-'));
    const path = join(dir, 'test.db');
    const main = openDatabase(path);
    const writer = openDatabase(path);
    try {
      const site = createSite(main, { name: 'Test', domains: ['example.com'] }, NOW).site.id;
      const id = upsertSeenCompany(main, site, { domain: 'acme.com' }, NOW);
      addCompanyPageView(main, id, { visitorId: 'v1', path: '/pricing', newSession: true });
      let commits = 0;
      const racing = createRescorer(main, {
        now: () => NOW,
        // Runs between the rescore's reads and its writes: the writer thread committing a beacon.
        watchedDomain: () => {
          if (commits++ === 0) addCompanyPageView(writer, id, { visitorId: 'v2', path: '/demo', newSession: true });
          return null;
        },
      });
      expect(racing.rescore([id])).toBe(1);
      const stored = main.prepare('SELECT lead_score, score_breakdown FROM companies WHERE id = ?').get(id) as Row;
      expect(commits).toBe(2);
      // The retry read the committed view.
      expect(JSON.parse(stored.score_breakdown!).components[0].facts.pageViews).toBe(2);
    } finally {
      main.close();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
