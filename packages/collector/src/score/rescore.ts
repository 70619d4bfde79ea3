import { SqliteError } from 'better-sqlite3';
import type { Db } from '../store/db.js';
import {
  companyPaths,
  listScoredCompanyRowids,
  listSitesDueForScoreCheck,
  loadCompanyScoreInputs,
  recordScoreCheck,
  saveCompanyScores,
  siteSettingsJson,
  type CompanyScoreInput,
  type CompanyScoreWrite,
} from '../store/company-scores.js';
import { compileModel } from './compile.js';
import { Digest } from './digest.js';
import { decayedTotal, defaultScoringModel, mergeScoringModel, scoreCompanyWithBase, type ScoringModel, type ScoringModelPatch } from './model.js';

/** Decay moves scores continuously; checking every site this often keeps every stored score under five minutes stale. */
export const maxScoreAgeMs = 4 * 60 * 1000;

/**
 * A company scored this recently (an event just touched it) is left out of a check, which
 * then vouches for its site only from this long before it started. A minute, the refresh
 * timer's period: the busiest companies are skipped, and checks come at most a minute sooner.
 */
export const recentlyScoredMs = 60 * 1000;

/** Companies read per statement: large enough that statement overhead vanishes, small enough to keep the JSON argument short. */
const LOAD_BATCH = 1_000;

export interface Rescorer {
  /** Rescores these companies now, in one transaction; returns how many were scored. */
  rescore(companyIds: Iterable<string>): number;
  /** Checks every scored company of each site not checked for maxScoreAgeMs, in slices that let requests through. */
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
 * Beside each breakdown the row keeps a digest of the aggregates and model it came from
 * and the undecayed points (the base) its total decays from. When a company's digest is
 * unchanged, only the clock moved: its total now is the base decayed to now, and if that
 * is the stored total, nothing is parsed, scored or written. The stored breakdown, computed
 * at its own `scored_at`, still explains that total; rewriting it would only move
 * `daysSinceLastSeen` by minutes at the cost of a page write. Freshness is then recorded
 * once a site: once the decay check has rescored every company of a site not scored since
 * T at clock T or later, `score_checks` says so, and no lead score of that site is older
 * than T.
 */
export function createRescorer(
  db: Db,
  options: { now: () => number; isWatched?: (siteId: string, domain: string) => boolean; sliceSize?: number },
): Rescorer {
  // Settings are read on every call so a change applies to the next rescore; the merged model
  // is kept while its text is the same, so its compiled patterns and path cache stay warm.
  const models = new Map<string, SiteModel>();
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
  const digestOf = (input: CompanyScoreInput, label: string, watched: boolean): number =>
    new Digest()
      .text(label)
      .number(input.pageViews)
      .number(input.engagedMs)
      .number(input.visitors)
      .number(input.sessions)
      .optionalNumber(input.lastSeen)
      .optionalText(input.industry)
      .optionalText(input.size)
      .optionalText(input.country)
      .number(watched ? 1 : 0)
      .optionalText(input.foldedPaths)
      .value();

  /** By id (callers) or by rowid (the decay check, which lists rows in table order). */
  const rescoreNow = (keys: readonly string[] | readonly number[]): number => {
    const now = options.now();
    const fresh = new Set<string>();
    const writes: CompanyScoreWrite[] = [];
    let count = 0;
    for (let i = 0; i < keys.length; i += LOAD_BATCH) {
      for (const input of loadCompanyScoreInputs(db, keys.slice(i, i + LOAD_BATCH))) {
        count++;
        const site = modelFor(input.siteId, fresh);
        const watched = options.isWatched?.(input.siteId, input.domain) ?? false;
        const lastSeenMs = input.lastSeen ?? 0;
        const inputs = digestOf(input, site.label, watched);
        if (inputs === input.scoreInputs && input.scoreBase !== null && decayedTotal(input.scoreBase, lastSeenMs, now, site.model.recency) === input.leadScore) continue;
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
            watched,
          },
          site.model,
          now,
        );
        writes.push({ rowid: input.rowid, score: breakdown.total, breakdown: JSON.stringify(breakdown), inputs, base });
      }
      saveCompanyScores(db, writes, now);
      writes.length = 0;
    }
    return count;
  };

  const rescoreKeys = (keys: readonly string[] | readonly number[]): number => {
    try {
      // Deferred: most checks change nothing and never take the write lock.
      return db.transaction(rescoreNow)(keys);
    } catch (error) {
      // Another connection (the writer thread) committed between our reads and our first
      // write; holding the write lock from the start, the retry cannot lose that race.
      if (!(error instanceof SqliteError) || error.code !== 'SQLITE_BUSY_SNAPSHOT') throw error;
      return db.transaction(rescoreNow).immediate(keys);
    }
  };

  const rescore = (companyIds: Iterable<string>): number => rescoreKeys([...companyIds]);

  const sliceSize = options.sliceSize ?? 2_000;
  const checkSites = async (): Promise<number> => {
    let total = 0;
    // The server may close the database while this loop yields.
    if (!db.open) return total;
    for (const siteId of listSitesDueForScoreCheck(db, options.now() - maxScoreAgeMs)) {
      const checkedAt = options.now() - recentlyScoredMs;
      const rowids = listScoredCompanyRowids(db, siteId, checkedAt);
      for (let i = 0; i < rowids.length; i += sliceSize) {
        total += rescoreKeys(rowids.slice(i, i + sliceSize));
        // Yield between slices so beacons and API requests are not held up by a big site.
        await new Promise((resolve) => setImmediate(resolve));
        if (!db.open) return total;
      }
      // Companies created since the list was read were scored by the commit that created them.
      recordScoreCheck(db, siteId, checkedAt);
    }
    return total;
  };

  // The timer may fire while a big site is still being checked: join that run instead of starting a second.
  let running: Promise<number> | null = null;
  const refreshStale = (): Promise<number> => {
    running ??= checkSites().finally(() => {
      running = null;
    });
    return running;
  };

  return { rescore, refreshStale };
}
