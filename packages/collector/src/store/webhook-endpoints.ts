import type { Db } from './db.js';
import { newSigningSecret, newWebhookEndpointId } from './ids.js';
import { prepared } from './prepared.js';

/** A site's webhook endpoint; its secrets are read only by the delivery job (endpointSecrets). */
export interface WebhookEndpoint {
  id: string;
  siteId: string;
  url: string;
  description: string;
  /** Signal types, or ['*'] for all. */
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  /** Until when the secret before the last rotation still signs; null when none does. */
  previousSecretUntil: number | null;
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
}

interface EndpointRow {
  id: string;
  site_id: string;
  url: string;
  description: string;
  events: string;
  enabled: number;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

const columns = 'id, site_id, url, description, events, enabled, disabled_reason, previous_secret_until, failing_since, created_at, updated_at';

const toEndpoint = (row: Omit<EndpointRow, 'secret' | 'previous_secret'>): WebhookEndpoint => ({
  id: row.id,
  siteId: row.site_id,
  url: row.url,
  description: row.description,
  events: JSON.parse(row.events) as string[],
  enabled: row.enabled === 1,
  disabledReason: row.disabled_reason,
  previousSecretUntil: row.previous_secret_until,
  failingSince: row.failing_since,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function createWebhookEndpoint(
  db: Db,
  input: { siteId: string; url: string; description: string; events: string[]; enabled: boolean },
  now: number,
): { endpoint: WebhookEndpoint; secret: string } {
  const id = newWebhookEndpointId();
  const secret = newSigningSecret();
  prepared(db, 'INSERT INTO webhook_endpoints (id, site_id, url, description, events, enabled, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    id,
    input.siteId,
    input.url,
    input.description,
    JSON.stringify(input.events),
    input.enabled ? 1 : 0,
    secret,
    now,
    now,
  );
  return { endpoint: getWebhookEndpoint(db, input.siteId, id)!, secret };
}

export function getWebhookEndpoint(db: Db, siteId: string, id: string): WebhookEndpoint | null {
  const row = prepared<[string, string], EndpointRow>(db, `SELECT ${columns} FROM webhook_endpoints WHERE id = ? AND site_id = ?`).get(id, siteId);
  return row ? toEndpoint(row) : null;
}

/** A site's endpoints, oldest first (a site has a handful). */
export function listWebhookEndpoints(db: Db, siteId: string): WebhookEndpoint[] {
  return prepared<[string], EndpointRow>(db, `SELECT ${columns} FROM webhook_endpoints WHERE site_id = ? ORDER BY created_at, id`).all(siteId).map(toEndpoint);
}

/**
 * Changes what is given. Turning an endpoint on clears why it was turned off and its
 * failure streak, so it gets three fresh days.
 */
export function updateWebhookEndpoint(
  db: Db,
  siteId: string,
  id: string,
  change: { url?: string; description?: string; events?: string[]; enabled?: boolean },
  now: number,
): WebhookEndpoint | null {
  const enabling = change.enabled === true;
  const result = prepared(
    db,
    `UPDATE webhook_endpoints SET
       url = coalesce(?, url), description = coalesce(?, description), events = coalesce(?, events),
       enabled = coalesce(?, enabled),
       disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END,
       failing_since = CASE WHEN ? AND enabled = 0 THEN NULL ELSE failing_since END,
       updated_at = ?
     WHERE id = ? AND site_id = ?`,
  ).run(
    change.url ?? null,
    change.description ?? null,
    change.events ? JSON.stringify(change.events) : null,
    change.enabled === undefined ? null : change.enabled ? 1 : 0,
    enabling ? 1 : 0,
    enabling ? 1 : 0,
    now,
    id,
    siteId,
  );
  return result.changes > 0 ? getWebhookEndpoint(db, siteId, id) : null;
}

/** Deletes the endpoint and, with it, its deliveries (pending ones are never sent). */
export function deleteWebhookEndpoint(db: Db, siteId: string, id: string): boolean {
  return prepared(db, 'DELETE FROM webhook_endpoints WHERE id = ? AND site_id = ?').run(id, siteId).changes > 0;
}

/** A new secret; the current one keeps signing beside it for graceMs, so receivers can switch without losing a delivery. */
export function rotateWebhookSecret(db: Db, siteId: string, id: string, now: number, graceMs: number): string | null {
  const secret = newSigningSecret();
  const result = prepared(
    db,
    `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?, secret = ?, updated_at = ? WHERE id = ? AND site_id = ?`,
  ).run(now + graceMs, secret, now, id, siteId);
  return result.changes > 0 ? secret : null;
}

/** The secrets that sign now: the current one, and the one before while its grace lasts. */
export function endpointSecrets(db: Db, id: string, now: number): string[] {
  const row = prepared<[string], Pick<EndpointRow, 'secret' | 'previous_secret' | 'previous_secret_until'>>(
    db,
    'SELECT secret, previous_secret, previous_secret_until FROM webhook_endpoints WHERE id = ?',
  ).get(id);
  if (!row) return [];
  return row.previous_secret !== null && row.previous_secret_until !== null && row.previous_secret_until > now ? [row.secret, row.previous_secret] : [row.secret];
}

/** The site's enabled endpoints that take this signal type. */
export function subscribedEndpointIds(db: Db, siteId: string, type: string): string[] {
  return prepared<[string, string], { id: string }>(
    db,
    `SELECT id FROM webhook_endpoints
     WHERE site_id = ? AND enabled = 1 AND EXISTS (SELECT 1 FROM json_each(events) WHERE value IN ('*', ?))
     ORDER BY created_at, id`,
  )
    .all(siteId, type)
    .map((r) => r.id);
}
