import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointLag, wallMs } from '../../packages/collector/src/intake/checkpoint-lag.js';
import { startScoreChecks, type ScoreChecks } from '../../packages/collector/src/jobs/score-check-thread.js';
import { scoreCompany } from '../../packages/collector/src/score/model.js';
import { createRescorer } from '../../packages/collector/src/score/rescore.js';
import { addCompanyPageView, upsertSeenCompany } from '../../packages/collector/src/store/companies.js';
import { guardOf, loadCompanyScoreInputs, saveScorePlan, type ScorePlan } from '../../packages/collector/src/store/company-scores.js';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { DAY_MS, NOW } from './fixtures.js';
import { storedFacts } from './stored-facts.js';

let dir: string;
let db: Db;
let siteId: string;
let checks: ScoreChecks | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-score-check-'));
  db = openDatabase(join(dir, 'c.db'));
  siteId = createSite(db, { name: 'Test', domains: ['example.com'] }, NOW).site.id;
  checks = null;
});
afterEach(async () => {
  await checks?.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A company seen `daysAgo` days before NOW, with `views` page views on /pricing. */
function seen(domain: string, daysAgo: number, views: number): string {
  const at = NOW - daysAgo * DAY_MS;
  const id = upsertSeenCompany(db, siteId, { domain }, at);
  for (let i = 0; i < views; i++) addCompanyPageView(db, id, { visitorId: `v${i}`, path: '/pricing', newSession: i === 0 });
  return id;
}

const stored = (id: string) =>
  db.prepare('SELECT lead_score, score_breakdown, scored_at, score_due FROM companies WHERE id = ?').get(id) as {
    lead_score: number;
    score_breakdown: string;
    scored_at: number;
    score_due: number | null;
  };

function modelSays(id: string, at: number) {
  const { facts, model } = storedFacts(db, id);
  return scoreCompany(facts, model, at);
}

describe('the decay check on its own thread', () => {
  /** Three companies scored at NOW, and the clock four days on, when decay has moved some of their totals. */
  function staleByDecay() {
    const ids = [seen('acme.com', 3, 4), seen('globex.com', 20, 2), seen('initech.com', 1, 9)];
    createRescorer(db, { now: () => NOW }).rescore(ids);
    const clock = NOW + 4 * DAY_MS;
    const before = ids.map((id) => stored(id).lead_score);
    const changed = ids.filter((id, i) => modelSays(id, clock).total !== before[i]);
    expect(changed.length).toBeGreaterThan(0);
    return { ids, clock, before, changed };
  }

  it('stores what the model says for every company due, as the check on the writer does', async () => {
    const { ids, clock, changed } = staleByDecay();

    checks = startScoreChecks(join(dir, 'c.db'), db, () => clock);
    expect(await checks.refresh(clock)).toBe(changed.length);
    for (const id of ids) expect(stored(id).lead_score).toBe(modelSays(id, clock).total);
    for (const id of changed) expect(stored(id).score_breakdown).toBe(JSON.stringify(modelSays(id, clock)));
    expect(db.prepare('SELECT checked_at FROM score_checks WHERE site_id = ?').pluck().get(siteId)).toBe(clock);
    // Nothing more is due until decay moves a total again.
    expect(await checks.refresh(clock)).toBe(0);
  });

  it('waits to store its changes while the checkpoints lag, and stores them once they keep up', async () => {
    const { ids, clock, before, changed } = staleByDecay();
    // A checkpoint that has run for five seconds: the disk is behind.
    const lag = new CheckpointLag();
    lag.started(wallMs() - 5_000);

    checks = startScoreChecks(join(dir, 'c.db'), db, () => clock, lag.buffer);
    const checked = checks.refresh(clock);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ids.map((id) => stored(id).lead_score)).toEqual(before);
    lag.finished(wallMs());
    lag.started(wallMs());
    lag.finished(wallMs());
    expect(await checked).toBe(changed.length);
    for (const id of ids) expect(stored(id).lead_score).toBe(modelSays(id, clock).total);
  });

  it('joins a check under way instead of starting a second', async () => {
    seen('acme.com', 3, 4);
    checks = startScoreChecks(join(dir, 'c.db'), db, () => NOW);
    const [a, b] = [checks.refresh(NOW), checks.refresh(NOW)];
    expect(a).toBe(b);
    await a;
  });
});

describe('saveScorePlan', () => {
  it('leaves a company as it is when a fact its score reads changed after the plan read it, so it stays due', () => {
    const id = seen('acme.com', 3, 4);
    const other = seen('globex.com', 3, 4);
    createRescorer(db, { now: () => NOW }).rescore([id, other]);
    const inputs = loadCompanyScoreInputs(db, [id, other]);
    const plan: ScorePlan = {
      writes: inputs.map((input) => ({ rowid: input.rowid, score: 99, breakdown: '{}', inputs: 7, base: 99, due: null, watchedDomain: null, read: guardOf(input) })),
      dues: [],
      scoredAt: NOW + DAY_MS,
    };
    // A batch lands between the plan's read and its write: the trigger of migration 008 makes the company due.
    addCompanyPageView(db, id, { visitorId: 'late', path: '/demo', newSession: true });
    expect(stored(id).score_due).toBe(0);

    expect(saveScorePlan(db, plan, 0, 2)).toBe(1);
    expect(stored(id).lead_score).not.toBe(99);
    expect(stored(id).score_due).toBe(0);
    expect(stored(other)).toEqual({ lead_score: 99, score_breakdown: '{}', scored_at: NOW + DAY_MS, score_due: null });
  });

  it('leaves a due time as it is when the company was scored again meanwhile', () => {
    const id = seen('acme.com', 3, 4);
    const rescorer = createRescorer(db, { now: () => NOW });
    rescorer.rescore([id]);
    const [input] = loadCompanyScoreInputs(db, [id]);
    const plan: ScorePlan = { writes: [], dues: [{ rowid: input!.rowid, due: 123, read: guardOf(input!) }], scoredAt: NOW };
    db.prepare('UPDATE companies SET score_inputs = score_inputs + 1 WHERE id = ?').run(id);
    const due = stored(id).score_due;
    expect(saveScorePlan(db, plan, 0, 1)).toBe(1);
    expect(stored(id).score_due).toBe(due);
    db.prepare('UPDATE companies SET score_inputs = score_inputs - 1 WHERE id = ?').run(id);
    expect(saveScorePlan(db, plan, 0, 1)).toBe(0);
    expect(stored(id).score_due).toBe(123);
  });
});
