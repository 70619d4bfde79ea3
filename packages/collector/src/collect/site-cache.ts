import type { Db } from '../store/db.js';
import { getSiteByKey } from '../store/sites.js';
import type { SiteForKey } from './steps/drop-unknown-site.js';

/**
 * Site keys looked up on every beacon, cached briefly: a revocation or a new
 * domain made by the CLI (another process) takes effect within ttlMs.
 */
export function createSiteCache(db: Db, ttlMs = 5_000, now: () => number = Date.now) {
  const entries = new Map<string, { site: SiteForKey | null; expires: number }>();
  return {
    find(siteKey: string): SiteForKey | null {
      const t = now();
      const hit = entries.get(siteKey);
      if (hit && hit.expires > t) return hit.site;
      const site = getSiteByKey(db, siteKey);
      // Lowercase here, once, so the per-beacon host check compares as is (hostnames come lowercased from the URL parser).
      const value = site ? { id: site.id, domains: site.domains.map((d) => d.toLowerCase()), revoked: site.siteKeyRevoked } : null;
      // Unknown keys are cached too, so a flood of made-up keys costs one query a key.
      if (entries.size > 10_000) entries.clear();
      entries.set(siteKey, { site: value, expires: t + ttlMs });
      return value;
    },
    clear(): void {
      entries.clear();
    },
  };
}
export type SiteCache = ReturnType<typeof createSiteCache>;
