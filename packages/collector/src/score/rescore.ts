import { SqliteError } from 'better-sqlite3';
import { createWatchedDomains } from '../alerts/watched-domains.js';
import type { Db } from '../store/db.js';
import { listWatchedDomains, watchListVersion } from '../store/watch-list.js';
import {
  companyPaths,
  guardOf,
  listDueCompanies,
  listSiteCompanyPage,
  listSiteScoreChecks,
  loadCompanyScoreInputs,
  recordScoreChecks,
  saveCompanyScoreDues,
  saveCompanyScores,
  siteSettingsJson,
  type CompanyScoreInput,
  type CompanyScoreDue,
  type CompanyScoreWrite,
  type DueCursor,
  type ScorePlan,
  type SiteScoreCheck,
} from '../store/company-scores.js';
import { compileModel } from './compile.js';
import { Digest } from './digest.js';
import { decayedTotal, defaultScoringModel, mergeScoringModel, scoreCompanyWithBase, type ScoringModel, type ScoringModelPatch } from './model.js';
import { DAY_MS } from './recency.js';

/** Companies read per statement: large enough that statement overhead vanishes, small enough to keep the JSON argument short. */
const LOAD_BATCH = 1_000;

/**
 * A check works in chunks, one short transaction each, and batches commit between them.
 * A chunk lists up to CHECK_SLICE companies and reads them CHECK_STEP at a time until
 * CHECK_CHUNK_MS have passed: a company scored again and written costs tens of times one
 * left as it is, and a loaded machine several times more, so time, not a count, bounds the
 * chunk. 20 ms leaves room under 50 for the step under way and the commit.
 */
const CHECK_SLICE = 500;
const CHECK_STEP = 25;
const CHECK_CHUNK_MS = 20;

/**
 * What the stored due times and digests were computed by, recorded with each site's model:
 * a change to digestOf or scoreDueAt must change it, so that the next check reads every
 * company once again.
 */
const CHECK_RULES = 'due-1';

/**
 * The clock until which decay leaves a company's rounded total as it is, or null if it never
 * changes it. Recency only shrinks with time, so the total only falls: below `total` once
 * base × factor drops under total − 0.5 (Math.round's edge), and a total of 0 stays 0.
 * Returned a second early: this inverse and decayedTotal's factor may differ in their last
 * bits, and an early due costs one more look while a late one would leave a stale total.
 */
export function scoreDueAt(base: number, lastSeenMs: number, total: number, recency: ScoringModel['recency']): number | null {
  if (total <= 0 || !(base > 0)) return null;
  const crossing = lastSeenMs + recency.halfLifeDays * DAY_MS * Math.log2(base / (total - 0.5));
  return Number.isFinite(crossing) ? Math.floor(crossing) - 1_000 : null;
}

/**
 * Where a check's results go when another thread holds the write lock (jobs/score-check-thread.ts):
 * the check reads and scores on its own connection, and the writer stores each plan with a
 * guard, so only the writes, never the reads, run between its batches.
 */
export interface ScoreSink {
  /** Stores a chunk's writes, each only if the company's facts are still those it was scored from. */
  save(plan: ScorePlan): Promise<void>;
  /** Records that each site's scores held at `checkedAt` (recordScoreChecks). */
  record(checks: SiteScoreCheck[], checkedAt: number): Promise<void>;
}

export interface Rescorer {
  /** Rescores these companies now, in one transaction; returns how many were scored. */
  rescore(companyIds: Iterable<string>): number;
  /**
   * Rescores the companies whose rounded score can have changed (their due time has come,
   * or a fact behind it changed), and every company of a site whose model changed, in short
   * transactions with a turn of the event loop between them; returns how many it read.
   */
  refreshStale(): Promise<number>;
}

interface SiteModel {
  settings: string | null;
  model: ScoringModel;
  label: string;
}

/**
 * The I/O side of scoring: reads each company's aggregates, applies the pure model
 * (score/model.ts) with the site's settings, and stores what changed.
 *
 * Beside each breakdown the row keeps a digest of the aggregates and model it came from,
 * the undecayed points (the base) its total decays from, and when decay next moves the
 * rounded total (`score_due`). When a company's digest is unchanged, only the clock moved:
 * its total now is the base decayed to now, and if that is the stored total, nothing is
 * parsed, scored or written. The stored breakdown, computed at its own `scored_at`, still
 * explains that total; rewriting it would only move `daysSinceLastSeen` by minutes at the
 * cost of a page write.
 *
 * So the decay check need only read the companies due: those whose due time has come, and
 * those whose facts changed since they were scored (migration 008's trigger makes them due
 * at once). A model change moves every due time and digest of a site; the check notices it
 * by the model recorded for the site in `score_checks`, and reads every company once.
 */
export function createRescorer(
  db: Db,
  options: {
    now: () => number;
    watchedDomain?: (siteId: string, domain: string) => string | null;
    sliceSize?: number;
    chunkMs?: number;
    /** The check's writes go here instead of to `db` (which then only reads). */
    sink?: ScoreSink;
  },
): Rescorer {
  // Settings are read on every call so a change applies to the next rescore; the merged model
  // is kept while its text is the same, so its compiled patterns and path cache stay warm.
  const models = new Map<string, SiteModel>();
  // The watch-list bonus: the site's watched domains in memory, reread only when the list changed.
  const watchList = options.watchedDomain ? null : createWatchedDomains({ version: () => watchListVersion(db), domains: (siteId) => listWatchedDomains(db, siteId) });
  const watchedDomain = options.watchedDomain ?? ((siteId: string, domain: string) => watchList!.match(siteId, domain));
  const modelFor = (siteId: string, fresh: Set<string>): SiteModel => {
    const known = models.get(siteId);
    if (known && fresh.has(siteId)) return known;
    const settings = siteSettingsJson(db, siteId);
    fresh.add(siteId);
    if (known && known.settings === settings) return known;
    const patch = (JSON.parse(settings ?? '{}') as { scoring?: ScoringModelPatch }).scoring;
    const model = patch ? mergeScoringModel(defaultScoringModel, patch) : defaultScoringModel;
    const site = { settings, model, label: compileModel(model).label };
    models.set(siteId, site);
    return site;
  };

  /** Everything the breakdown depends on but the clock, as read: the model and the company's aggregates. */
  const digestOf = (input: CompanyScoreInput, label: string, watched: string | null): number => {
    const digest = new Digest()
      .text(label)
      .number(input.pageViews)
      .number(input.engagedMs)
      .number(input.visitors)
      .number(input.sessions)
      .optionalNumber(input.lastSeen)
      .optionalText(input.industry)
      .optionalText(input.size)
      .optionalText(input.country)
      .number(watched === null ? 0 : 1)
      .optionalText(input.foldedPaths);
    // The entry that covers the company is stored with its score (the ?watched= filter, the
    // dashboard's toggle): when it changes, the row is written even if the score is not.
    return (watched === null ? digest : digest.text(watched)).value();
  };

  /**
   * By id (callers) or by rowid (the decay check). The check leaves out companies without a
   * page view that score 0 and are not due: that total holds whatever the clock and model.
   * It also stops between steps once past `until` (performance.now()), and says how many
   * of the keys, in their order, it got through.
   */
  const rescoreNow = (keys: readonly string[] | readonly number[], checking: boolean, until: number, plan: ScorePlan | null): { read: number; through: number } => {
    const now = options.now();
    if (plan) plan.scoredAt = now;
    const step = checking ? CHECK_STEP : LOAD_BATCH;
    const fresh = new Set<string>();
    const writes: CompanyScoreWrite[] = [];
    const dues: CompanyScoreDue[] = [];
    let count = 0;
    for (let i = 0; i < keys.length; i += step) {
      if (i > 0 && performance.now() > until) return { read: count, through: i };
      for (const input of loadCompanyScoreInputs(db, keys.slice(i, i + step))) {
        if (checking && input.pageViews === 0 && input.leadScore === 0 && input.scoreDue === null) continue;
        count++;
        const site = modelFor(input.siteId, fresh);
        const watched = watchedDomain(input.siteId, input.domain);
        const lastSeenMs = input.lastSeen ?? 0;
        const inputs = digestOf(input, site.label, watched);
        if (inputs === input.scoreInputs && input.scoreBase !== null) {
          const total = decayedTotal(input.scoreBase, lastSeenMs, now, site.model.recency);
          if (total === input.leadScore) {
            const due = scoreDueAt(input.scoreBase, lastSeenMs, total, site.model.recency);
            if (due !== input.scoreDue) dues.push({ rowid: input.rowid, due, read: plan ? guardOf(input) : undefined });
            continue;
          }
        }
        const { breakdown, base } = scoreCompanyWithBase(
          {
            pageViews: input.pageViews,
            engagedSeconds: Math.round(input.engagedMs / 1000),
            visitors: input.visitors,
            sessions: input.sessions,
            lastSeenMs,
            pathViews: companyPaths(db, input),
            industry: input.industry,
            size: input.size,
            country: input.country,
            watched: watched !== null,
          },
          site.model,
          now,
        );
        const due = scoreDueAt(base, lastSeenMs, breakdown.total, site.model.recency);
        writes.push({
          rowid: input.rowid,
          score: breakdown.total,
          breakdown: JSON.stringify(breakdown),
          inputs,
          base,
          due,
          watchedDomain: watched,
          read: plan ? guardOf(input) : undefined,
        });
      }
      if (plan) {
        plan.writes.push(...writes);
        plan.dues.push(...dues);
      } else {
        saveCompanyScores(db, writes, now);
        saveCompanyScoreDues(db, dues);
      }
      writes.length = 0;
      dues.length = 0;
    }
    return { read: count, through: keys.length };
  };

  const rescoreKeys = (keys: readonly string[] | readonly number[], checking = false, until = Infinity): { read: number; through: number } => {
    watchList?.refresh();
    try {
      // Deferred: most checks change nothing and never take the write lock.
      return db.transaction(rescoreNow)(keys, checking, until, null);
    } catch (error) {
      // Another connection (the writer thread, the insight follower) committed between our
      // reads and our first write, or held the write lock when we wanted it (a read that
      // upgrades does not wait for it); holding the write lock from the start, the retry
      // waits for it and cannot lose that race.
      if (!(error instanceof SqliteError) || (error.code !== 'SQLITE_BUSY_SNAPSHOT' && error.code !== 'SQLITE_BUSY')) throw error;
      return db.transaction(rescoreNow).immediate(keys, checking, until, null);
    }
  };

  const rescore = (companyIds: Iterable<string>): number => rescoreKeys([...companyIds]).read;

  const sliceSize = options.sliceSize ?? CHECK_SLICE;
  const chunkMs = options.chunkMs ?? CHECK_CHUNK_MS;
  const sink = options.sink;
  /**
   * One chunk of the check: as many of these companies as fit its time, in order. With a
   * sink, read on one snapshot here and stored by the writer, which waits for nothing but
   * its own writes; else read and written here in one transaction.
   */
  const checkChunk = async (rowids: readonly number[]): Promise<{ read: number; through: number }> => {
    if (!sink) return rescoreKeys(rowids, true, performance.now() + chunkMs);
    watchList?.refresh();
    const plan: ScorePlan = { writes: [], dues: [], scoredAt: 0 };
    const chunk = db.transaction(rescoreNow)(rowids, true, performance.now() + chunkMs, plan);
    // In rowid order, as saveCompanyScores writes: each page is rewritten once, front to back.
    plan.writes.sort((a, b) => a.rowid - b.rowid);
    plan.dues.sort((a, b) => a.rowid - b.rowid);
    if (plan.writes.length > 0 || plan.dues.length > 0) await sink.save(plan);
    return chunk;
  };
  // Between chunks, batches waiting to commit go first.
  const yieldToBatches = () => new Promise((resolve) => setImmediate(resolve));

  const check = async (): Promise<number> => {
    let read = 0;
    // The server may close the database while this loop yields.
    if (!db.open) return read;
    const startedAt = options.now();
    // Sites whose model is not the one their companies' due times were computed with:
    // every company once, which also covers the site's companies due. A site never checked
    // has had due times since its companies' first scores.
    const checked: Array<{ siteId: string; model: string }> = [];
    for (const { siteId, model } of listSiteScoreChecks(db)) {
      const current = `${modelFor(siteId, new Set()).label} ${CHECK_RULES}`;
      if (model !== undefined && model !== current) {
        for (let domain = ''; ;) {
          const page = listSiteCompanyPage(db, siteId, domain, sliceSize);
          if (page.length === 0) break;
          const chunk = await checkChunk(page.map((c) => c.rowid));
          read += chunk.read;
          domain = page[chunk.through - 1]!.domain;
          await yieldToBatches();
          if (!db.open) return read;
        }
      }
      // Recorded as it was before the pages: a change meanwhile is read again next time.
      checked.push({ siteId, model: current });
    }
    // Then the companies due, in due order across sites. Each chunk reads its clock anew:
    // batches committed meanwhile move it on.
    let after: DueCursor = { due: -1, rowid: 0 };
    for (;;) {
      const due = listDueCompanies(db, options.now(), after, sliceSize);
      if (due.length === 0) break;
      const chunk = await checkChunk(due.map((c) => c.rowid));
      read += chunk.read;
      after = due[chunk.through - 1]!;
      await yieldToBatches();
      if (!db.open) return read;
    }
    if (sink) await sink.record(checked, startedAt);
    else recordScoreChecks(db, checked, startedAt);
    return read;
  };

  // The timer may fire while a big site is still being checked: join that run instead of starting a second.
  let running: Promise<number> | null = null;
  const refreshStale = (): Promise<number> => {
    running ??= check().finally(() => {
      running = null;
    });
    return running;
  };

  return { rescore, refreshStale };
}
