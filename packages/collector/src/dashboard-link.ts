import type { Permission } from './store/api-keys.js';
import { createDashboardLinkToken } from './store/dashboard-sessions.js';
import type { Db } from './store/db.js';

/** Where browsers reach the collector: CLEARVIEW_PUBLIC_URL, else this machine on its port. */
export function collectorBaseUrl(config: { publicUrl: string | null; port: number }, port = config.port): string {
  return config.publicUrl ?? `http://localhost:${port}`;
}

/**
 * A one-time sign-in link to the dashboard. The token rides in the fragment, which browsers
 * never send: no server or proxy log sees it; the page posts it to POST /api/dashboard/session.
 */
export function createDashboardLink(db: Db, input: { siteId: string; permission: Permission }, baseUrl: string, now = Date.now()): { url: string; expiresAt: number } {
  const { token, expiresAt } = createDashboardLinkToken(db, input, now);
  return { url: `${baseUrl}/dashboard/#token=${token}`, expiresAt };
}
