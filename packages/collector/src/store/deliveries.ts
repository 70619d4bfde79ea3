import type { OutboxPayload } from '../alerts/outbox-payload.js';
import type { Signal, SignalType } from '../alerts/signal.js';
import type { Db } from './db.js';
import { newDeliveryId } from './ids.js';
import { onSnapshot } from './list-page.js';
import { prepared } from './prepared.js';
import { getSiteSettings } from './site-settings.js';
import { subscribedEndpointIds } from './webhook-endpoints.js';

/**
 * The outbox: one row per (signal, destination), written in the transaction that stores
 * the signal; jobs/deliveries.ts sends them and records each attempt here.
 */

export type DeliveryChannel = 'webhook' | 'slack' | 'email';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  site_id: string;
  signal_id: string;
  signal_type: string;
  channel: DeliveryChannel;
  destination: string;
  endpoint_id: string | null;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  retry_from: number;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
}

/** Slack and email go out for these types unless the site's settings say otherwise. */
export const defaultChannelEvents: readonly SignalType[] = ['watchlist.hit', 'lead.hot'];

interface ChannelSettings {
  webhookUrl?: unknown;
  recipients?: unknown;
  events?: unknown;
}

const takes = (events: unknown, type: string) => ((Array.isArray(events) ? events : defaultChannelEvents) as readonly unknown[]).includes(type);

/** Whether this collector can send email (CLEARVIEW_SMTP_URL), recorded by server.ts at start for every connection to read. */
export function setEmailAvailable(db: Db, available: boolean): void {
  prepared(db, "INSERT INTO outbox_channels (channel, available) VALUES ('email', ?) ON CONFLICT (channel) DO UPDATE SET available = excluded.available").run(
    available ? 1 : 0,
  );
}

function emailAvailable(db: Db): boolean {
  return prepared<[], { available: number }>(db, "SELECT available FROM outbox_channels WHERE channel = 'email'").get()?.available === 1;
}

/**
 * Writes the deliveries of a new signal: one per enabled webhook endpoint of its site
 * subscribed to its type (or '*'), one for Slack when a webhook URL is set and its events
 * include the type, one for email when there are recipients, SMTP is configured and its
 * events include the type. Call it inside the transaction that stores the signal; a
 * second call for the same signal adds nothing.
 */
export function enqueueDeliveries(db: Db, signal: Signal): void {
  const alerts = (getSiteSettings(db, signal.siteId)?.alerts ?? {}) as { slack?: ChannelSettings; email?: ChannelSettings };
  const destinations: Array<{ channel: DeliveryChannel; destination: string; endpointId: string | null }> = subscribedEndpointIds(db, signal.siteId, signal.type).map(
    (id) => ({ channel: 'webhook', destination: id, endpointId: id }),
  );
  const slack = alerts.slack;
  if (typeof slack?.webhookUrl === 'string' && slack.webhookUrl !== '' && takes(slack.events, signal.type)) {
    destinations.push({ channel: 'slack', destination: 'slack', endpointId: null });
  }
  const email = alerts.email;
  if (Array.isArray(email?.recipients) && email.recipients.length > 0 && takes(email.events, signal.type) && emailAvailable(db)) {
    destinations.push({ channel: 'email', destination: 'email', endpointId: null });
  }
  if (destinations.length === 0) return;
  const createdAt = Date.parse(signal.createdAt);
  const payload = JSON.stringify(signal);
  for (const d of destinations) insertDelivery(db, { siteId: signal.siteId, signalId: signal.id, type: signal.type, ...d, payload, now: createdAt });
}

function insertDelivery(
  db: Db,
  d: { siteId: string; signalId: string; type: string; channel: DeliveryChannel; destination: string; endpointId: string | null; payload: string; now: number },
): string {
  const id = newDeliveryId();
  prepared(
    db,
    `INSERT INTO deliveries (id, site_id, signal_id, signal_type, channel, destination, endpoint_id, payload, next_attempt_at, retry_from, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (signal_id, destination) DO NOTHING`,
  ).run(id, d.siteId, d.signalId, d.type, d.channel, d.destination, d.endpointId, d.payload, d.now, d.now, d.now);
  return id;
}

/** A test delivery to one endpoint, due at once (POST /api/v1/webhooks/{id}/test). */
export function enqueueTestDelivery(db: Db, endpointId: string, payload: OutboxPayload, now: number): DeliveryRow {
  const id = insertDelivery(db, {
    siteId: payload.siteId,
    signalId: payload.id,
    type: payload.type,
    channel: 'webhook',
    destination: endpointId,
    endpointId,
    payload: JSON.stringify(payload),
    now,
  });
  return getDelivery(db, payload.siteId, endpointId, id)!;
}

export function getDelivery(db: Db, siteId: string, endpointId: string, id: string): DeliveryRow | null {
  return (
    prepared<[string, string, string], DeliveryRow>(db, 'SELECT * FROM deliveries WHERE id = ? AND endpoint_id = ? AND site_id = ?').get(id, endpointId, siteId) ?? null
  );
}

/** One page of an endpoint's deliveries, newest first, and how many it has. */
export function listEndpointDeliveries(db: Db, siteId: string, endpointId: string, page: { limit: number; offset: number }): { rows: DeliveryRow[]; total: number } {
  return onSnapshot(db, () => {
    const rows = prepared<[string, string, number, number], DeliveryRow>(
      db,
      'SELECT * FROM deliveries WHERE endpoint_id = ? AND site_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?',
    ).all(endpointId, siteId, page.limit, page.offset);
    // The endpoint's kept count (migration 014); the endpoint was found in the caller's site, and its deliveries are all of that site.
    const total = prepared<[string], number>(db, 'SELECT n FROM endpoint_delivery_counts WHERE endpoint_id = ?').pluck(true).get(endpointId) ?? 0;
    return { rows, total };
  });
}

/** Sends a delivery again, whatever became of it: due now, with a fresh 72-hour retry window and backoff from its first step. */
export function redeliver(db: Db, siteId: string, endpointId: string, id: string, now: number): DeliveryRow | null {
  const result = prepared(
    db,
    `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, retry_from = ?, delivered_at = NULL
     WHERE id = ? AND endpoint_id = ? AND site_id = ?`,
  ).run(now, now, id, endpointId, siteId);
  return result.changes > 0 ? getDelivery(db, siteId, endpointId, id) : null;
}

export interface DueDelivery extends DeliveryRow {
  /** The endpoint's failure streak and URL (webhooks only). */
  failing_since: number | null;
  endpoint_url: string | null;
}

/**
 * The deliveries due now, at most perDestination of each destination, so one receiver's
 * backlog never fills the batch; endpoints turned off are left until turned on again.
 */
export function listDueDeliveries(db: Db, now: number, perDestination: number, limit: number): DueDelivery[] {
  return prepared<[number, number, number], DueDelivery>(
    db,
    `SELECT * FROM (
       SELECT d.*, e.failing_since, e.url AS endpoint_url, row_number() OVER (PARTITION BY d.site_id, d.destination ORDER BY d.next_attempt_at, d.id) AS n
       FROM deliveries d LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.endpoint_id IS NULL OR e.enabled = 1)
     ) WHERE n <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  ).all(now, perDestination, limit);
}

export type AttemptRecord =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAt: number; statusCode: number | null; error: string }
  | { status: 'failed'; statusCode: number | null; error: string };

export interface AttemptInput {
  id: string;
  now: number;
  statusCode: number | null;
  record: AttemptRecord;
  endpoint?: { id: string; disableReason: string | null };
}

/**
 * Attempts' results, in one short transaction, each with its endpoint's health: a success
 * ends a failure streak; a failure starts one, or turns the endpoint off with the reason.
 * The sender records every answer that came in the same turn together, so the write lock
 * is taken once for many.
 */
export function recordAttempts(db: Db, attempts: readonly AttemptInput[]): void {
  db.transaction(() => {
    for (const attempt of attempts) applyAttempt(db, attempt);
  })();
}

function applyAttempt(db: Db, input: AttemptInput): void {
  const { id, now, record } = input;
  if (record.status === 'delivered') {
    prepared(
      db,
      `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_attempt_at = ?, last_status_code = ?, last_error = NULL, delivered_at = ?, next_attempt_at = NULL WHERE id = ?`,
    ).run(now, input.statusCode, now, id);
    if (input.endpoint) prepared(db, 'UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?').run(input.endpoint.id);
    return;
  }
  prepared(
    db,
    `UPDATE deliveries SET status = ?, attempts = attempts + 1, last_attempt_at = ?, last_status_code = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`,
  ).run(record.status, now, record.statusCode, record.error.slice(0, 500), record.status === 'pending' ? record.nextAttemptAt : null, id);
  if (input.endpoint) {
    prepared(db, 'UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ?').run(now, input.endpoint.id);
    if (input.endpoint.disableReason !== null) {
      prepared(db, 'UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1').run(
        input.endpoint.disableReason,
        now,
        input.endpoint.id,
      );
    }
  }
}

/** The Slack incoming-webhook URL the site's alerts go to now, or null. */
export function slackWebhookUrl(db: Db, siteId: string): string | null {
  const url = ((getSiteSettings(db, siteId)?.alerts ?? {}) as { slack?: ChannelSettings }).slack?.webhookUrl;
  return typeof url === 'string' && url !== '' ? url : null;
}

/** Whom the site's alert emails go to now. */
export function emailRecipients(db: Db, siteId: string): string[] {
  const recipients = ((getSiteSettings(db, siteId)?.alerts ?? {}) as { email?: ChannelSettings }).email?.recipients;
  return Array.isArray(recipients) ? recipients.filter((r): r is string => typeof r === 'string') : [];
}
