import type { Db } from '../store/db.js';
import { listStaleScoreIds, loadCompanyScoreInputs, saveCompanyScore, siteSettingsJson, type CompanyScoreInput } from '../store/company-scores.js';
import { defaultScoringModel, mergeScoringModel, scoreCompany, type ScoringModel, type ScoringModelPatch } from './model.js';

/** Decay moves scores continuously; rescoring anything older than this keeps every stored score under five minutes stale. */
export const maxScoreAgeMs = 4 * 60 * 1000;

export interface Rescorer {
  /** Rescores these companies now, in one transaction. */
  rescore(companyIds: Iterable<string>): number;
  /** Rescores every company whose score is older than maxScoreAgeMs, in slices that let requests through. */
  refreshStale(): Promise<number>;
}

/**
 * The I/O side of scoring: reads each company's aggregates, applies the pure
 * model (score/model.ts) with the site's settings, stores score and breakdown.
 */
export function createRescorer(db: Db, options: { now: () => number; isWatched?: (siteId: string, domain: string) => boolean; sliceSize?: number }): Rescorer {
  const models = new Map<string, ScoringModel>();
  const modelFor = (siteId: string): ScoringModel => {
    let model = models.get(siteId);
    if (!model) {
      const settings = JSON.parse(siteSettingsJson(db, siteId) ?? '{}') as { scoring?: ScoringModelPatch };
      model = settings.scoring ? mergeScoringModel(defaultScoringModel, settings.scoring) : defaultScoringModel;
      models.set(siteId, model);
    }
    return model;
  };

  const scoreOne = (input: CompanyScoreInput, now: number) => {
    const breakdown = scoreCompany(
      {
        pageViews: input.pageViews,
        engagedSeconds: Math.round(input.engagedMs / 1000),
        visitors: input.visitors,
        sessions: input.sessions,
        lastSeenMs: input.lastSeen ?? 0,
        pathViews: input.paths,
        industry: input.industry,
        size: input.size,
        country: input.country,
        watched: options.isWatched?.(input.siteId, input.domain) ?? false,
      },
      modelFor(input.siteId),
      now,
    );
    saveCompanyScore(db, input.id, breakdown.total, breakdown, now);
  };

  const rescore = (companyIds: Iterable<string>): number => {
    const now = options.now();
    let count = 0;
    // Read each site's model afresh per call, so a settings change applies to the next rescore.
    models.clear();
    const ids = [...companyIds];
    db.transaction(() => {
      for (let i = 0; i < ids.length; i += 1_000) {
        for (const input of loadCompanyScoreInputs(db, ids.slice(i, i + 1_000))) {
          scoreOne(input, now);
          count += 1;
        }
      }
    })();
    return count;
  };

  const sliceSize = options.sliceSize ?? 2_000;
  const refreshStale = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      // The server may have closed the database while this loop yielded.
      if (!db.open) return total;
      const ids = listStaleScoreIds(db, options.now() - maxScoreAgeMs, sliceSize);
      if (ids.length === 0) return total;
      total += rescore(ids);
      // Yield between slices so beacons and API requests are not held up by a big site.
      await new Promise((resolve) => setImmediate(resolve));
      if (ids.length < sliceSize) return total;
    }
  };

  return { rescore, refreshStale };
}
