import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scoreCompany } from '../../packages/collector/src/score/model.js';
import { createRescorer, maxScoreAgeMs, recentlyScoredMs, type Rescorer } from '../../packages/collector/src/score/rescore.js';
import { addCompanyEngagement, addCompanyPageView, upsertSeenCompany } from '../../packages/collector/src/store/companies.js';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { getSiteScoringModel, updateSite } from '../../packages/collector/src/store/site-settings.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { DAY_MS, NOW } from './fixtures.js';

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

/** The pure model on aggregates read here, independently of the rescorer's loader. */
function modelSays(id: string, at: number) {
  const c = db.prepare('SELECT * FROM companies WHERE id = ?').get(id) as Record<string, any>;
  const pathViews = db.prepare('SELECT path, views FROM company_paths WHERE company_id = ? ORDER BY views DESC, path LIMIT 50').all(id) as Array<{ path: string; views: number }>;
  return scoreCompany(
    {
      pageViews: c.page_views,
      engagedSeconds: Math.round(c.engaged_ms / 1000),
      visitors: c.visitor_count,
      sessions: c.sessions,
      lastSeenMs: c.last_seen,
      pathViews,
      industry: c.industry,
      size: c.size,
      country: c.country,
      watched: false,
    },
    getSiteScoringModel(db, c.site_id),
    at,
  );
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
  const checks = () => db.prepare('SELECT site_id, checked_at FROM score_checks ORDER BY checked_at, site_id').all();

  it('rescores the companies of each site not checked for four minutes, and records since when its scores hold', async () => {
    const other = createSite(db, { name: 'Other', domains: ['other.com'] }, NOW).site.id;
    const ids = [acme(), visit('globex.com', '/pricing', { at: NOW - 20 * DAY_MS }), visit('hooli.com', '/demo', { site: other })];
    rescorer.rescore(ids);
    clock = NOW + 5 * 60_000;
    expect(await rescorer.refreshStale()).toBe(3);
    const checked = clock - recentlyScoredMs;
    expect(checks()).toEqual([{ site_id: other, checked_at: checked }, { site_id: siteId, checked_at: checked }].sort((a, b) => (a.site_id < b.site_id ? -1 : 1)));

    clock = checked + maxScoreAgeMs;
    expect(await rescorer.refreshStale()).toBe(0);

    clock = NOW + 3 * DAY_MS;
    expect(await rescorer.refreshStale()).toBe(3);
    for (const id of ids) expect(row(id).lead_score).toBe(modelSays(id, clock).total);
    expect(checks()).toHaveLength(2);
    expect((checks() as Array<{ checked_at: number }>).every((c) => c.checked_at === clock - recentlyScoredMs)).toBe(true);
  });

  it('leaves out companies scored in the last minute, and vouches for the site from a minute before', async () => {
    const busy = acme();
    const quiet = visit('globex.com', '/pricing', { at: NOW - 20 * DAY_MS });
    rescorer.rescore([quiet]);
    clock = NOW + 5 * 60_000;
    rescorer.rescore([busy]);
    clock += recentlyScoredMs - 1;
    expect(await rescorer.refreshStale()).toBe(1);
    expect(checks()).toEqual([{ site_id: siteId, checked_at: clock - recentlyScoredMs }]);
    expect(row(busy).scored_at).toBeGreaterThanOrEqual(clock - recentlyScoredMs);
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
        isWatched: () => {
          if (commits++ === 0) addCompanyPageView(writer, id, { visitorId: 'v2', path: '/demo', newSession: true });
          return false;
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
