import type { Db } from './store/db.js';
import { createApiKey } from './store/api-keys.js';
import { createSite, listSites } from './store/sites.js';

/** The exact tag a customer pastes, for a collector reachable at origin. */
export function scriptTag(origin: string, siteKey: string): string {
  return `<script defer src="${origin}/t.js" data-site-key="${siteKey}"></script>`;
}

/**
 * On a brand-new database: one site and one admin key, so that clone to
 * tracking is two commands. Returns what to print once, or null.
 */
export function bootstrapFirstSite(db: Db, domain: string): { siteId: string; siteKey: string; apiKey: string; webhookSecret: string } | null {
  if (listSites(db).length > 0) return null;
  const { site, webhookSecret } = createSite(db, { name: 'My website', domains: [domain] });
  const { key } = createApiKey(db, { siteId: site.id, permission: 'admin', label: 'Created at first start' });
  return { siteId: site.id, siteKey: site.siteKey, apiKey: key, webhookSecret };
}
