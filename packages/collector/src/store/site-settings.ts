import { defaultScoringModel, mergeScoringModel, scoringModelPatchSchema, type ScoringModel, type ScoringModelPatch } from '../score/model.js';
import type { Db } from './db.js';
import { prepared } from './prepared.js';
import { setSiteDomains } from './sites.js';

/**
 * A site's settings live as one JSON object in sites.settings. The keys this
 * module knows (others, e.g. the dashboard's, are kept untouched):
 *   scoring  the site's changes to the default scoring model (a ScoringModelPatch:
 *            fields never changed follow the defaults, as score/rescore.ts reads it)
 *   alerts   where alerts go (see api/settings.ts)
 *   webhook  { acceptSiteKey: boolean } (absent = true)
 *   timezone the IANA zone insights count days in by default (absent = UTC)
 *   outreach the outreach draft settings (outreach/settings.ts)
 */
export type SiteSettings = Record<string, unknown>;

export function getSiteSettings(db: Db, siteId: string): SiteSettings | null {
  const row = prepared<[string], { settings: string }>(db, 'SELECT settings FROM sites WHERE id = ?').get(siteId);
  return row ? (JSON.parse(row.settings) as SiteSettings) : null;
}

/** The site's stored changes to the default model; one that no longer validates counts as none. */
export function scoringPatchOf(settings: SiteSettings | null): ScoringModelPatch {
  const parsed = scoringModelPatchSchema.safeParse(settings?.scoring ?? {});
  return parsed.success ? parsed.data : {};
}

/** The site's scoring model: the defaults with the site's changes. */
export function scoringModelOf(settings: SiteSettings | null): ScoringModel {
  return mergeScoringModel(defaultScoringModel, scoringPatchOf(settings));
}

export function getSiteScoringModel(db: Db, siteId: string): ScoringModel {
  return scoringModelOf(getSiteSettings(db, siteId));
}

/** Whether POST /api/v1/webhook takes the public site key (default true, as the seed document shows). */
export function webhookAcceptsSiteKey(settings: SiteSettings | null): boolean {
  const webhook = settings?.webhook as { acceptSiteKey?: unknown } | undefined;
  return webhook?.acceptSiteKey !== false;
}

/**
 * Replaces the given top-level settings keys (and the name and domains when
 * given) in one transaction; keys not given are kept as stored.
 */
export function updateSite(db: Db, siteId: string, change: { name?: string; domains?: string[]; settings?: SiteSettings }): void {
  // IMMEDIATE: it reads the stored settings before writing them, and a read cannot become a
  // write once another connection (the writer thread, a job) has committed meanwhile.
  db.transaction(() => {
    if (change.name !== undefined) prepared(db, 'UPDATE sites SET name = ? WHERE id = ?').run(change.name, siteId);
    if (change.domains !== undefined) setSiteDomains(db, siteId, change.domains);
    if (change.settings !== undefined) {
      const current = getSiteSettings(db, siteId) ?? {};
      prepared(db, 'UPDATE sites SET settings = ? WHERE id = ?').run(JSON.stringify({ ...current, ...change.settings }), siteId);
    }
  }).immediate();
}

/** The zone the site's insights count days in when the request names none: its timezone setting, else UTC. */
export function siteTimeZone(db: Db, siteId: string): string {
  const tz = getSiteSettings(db, siteId)?.timezone;
  return typeof tz === 'string' && tz !== '' ? tz : 'UTC';
}
