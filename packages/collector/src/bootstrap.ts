import type { Db } from './store/db.js';
import { createApiKey } from './store/api-keys.js';
import { createSite, listSites } from './store/sites.js';

/** The exact tag a customer pastes, for a collector reachable at origin. */
export function scriptTag(origin: string, siteKey: string, options: { allowLocal?: boolean } = {}): string {
  return `<script defer src="${origin}/t.js" data-site-key="${siteKey}"${options.allowLocal ? ' data-allow-local' : ''}></script>`;
}

/** Hosts the tracker ignores unless the tag says data-allow-local (packages/tracker/src/exclusions.ts). */
const localDomains = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface FirstSite {
  siteId: string;
  siteKey: string;
  apiKey: string;
  webhookSecret: string;
}

/**
 * On a brand-new database: one site and one admin key, so that clone to
 * tracking is two commands. Returns what to print once, or null.
 */
export function bootstrapFirstSite(db: Db, domain: string): FirstSite | null {
  if (listSites(db).length > 0) return null;
  const { site, webhookSecret } = createSite(db, { name: 'My website', domains: [domain] });
  const { key } = createApiKey(db, { siteId: site.id, permission: 'admin', label: 'Created at first start' });
  return { siteId: site.id, siteKey: site.siteKey, apiKey: key, webhookSecret };
}

/**
 * The first-start banner: for the terminal only, never the logger, because the API key
 * and webhook secret in it are shown once and must not land in a log store.
 */
export function firstStartBanner(first: FirstSite, domain: string, origin: string): string {
  const local = localDomains.has(domain);
  const lines = [
    '',
    'ClearView is ready. This is shown once; keep the API key somewhere safe.',
    '',
    `  Site id:        ${first.siteId} (domain: ${domain})`,
    `  Site key:       ${first.siteKey}`,
    `  Admin API key:  ${first.apiKey}`,
    `  Webhook secret: ${first.webhookSecret}`,
    '',
  ];
  if (local) {
    // The tracker ignores local pages unless told otherwise, so a tag without the flag would send nothing from here.
    lines.push(
      '  To try it on a page served from this machine, paste this tag (data-allow-local lets it send from localhost):',
      `  ${scriptTag(origin, first.siteKey, { allowLocal: true })}`,
      '',
      '  For your real website, register its domain and drop data-allow-local from the tag:',
      `  npx clearview sites update ${first.siteId} --domain example.com`,
      '  (or start with CLEARVIEW_DOMAIN=example.com on a new database; set CLEARVIEW_PUBLIC_URL to the collector address your pages use)',
    );
  } else {
    lines.push(
      '  Paste this tag into your pages:',
      `  ${scriptTag(origin, first.siteKey)}`,
      '',
      `  More domains: npx clearview sites update ${first.siteId} --domain ${domain} --domain other.example`,
    );
  }
  lines.push('');
  return lines.join('\n') + '\n';
}
