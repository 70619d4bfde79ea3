import type { Db } from './db.js';
import { prepared } from './prepared.js';

/** How many webhook deliveries a site keeps for debugging. */
export const webhookEventsKept = 200;

export interface WebhookEventRow {
  id: number;
  received_at: number;
  auth: 'site_key' | 'secret' | 'api_key';
  company_id: string | null;
  payload: string;
  mapped: string;
  custom: string;
}

/** Records one delivery and drops the site's deliveries older than the last webhookEventsKept. */
export function recordWebhookEvent(
  db: Db,
  input: { siteId: string; receivedAt: number; auth: WebhookEventRow['auth']; companyId: string | null; payload: unknown; mapped: unknown; custom: unknown },
): number {
  const id = Number(
    prepared(
      db,
      `INSERT INTO webhook_events (site_id, received_at, auth, company_id, payload, mapped, custom)
       VALUES (@siteId, @receivedAt, @auth, @companyId, @payload, @mapped, @custom)`,
    ).run({
      ...input,
      payload: JSON.stringify(input.payload),
      mapped: JSON.stringify(input.mapped),
      custom: JSON.stringify(input.custom),
    }).lastInsertRowid,
  );
  prepared(
    db,
    `DELETE FROM webhook_events WHERE site_id = @siteId AND id < (
       SELECT id FROM webhook_events WHERE site_id = @siteId ORDER BY id DESC LIMIT 1 OFFSET @kept)`,
  ).run({ siteId: input.siteId, kept: webhookEventsKept - 1 });
  return id;
}

/** The site's latest webhook deliveries, newest first. */
export function listWebhookEvents(db: Db, siteId: string, limit: number): WebhookEventRow[] {
  return prepared<[string, number], WebhookEventRow>(
    db,
    'SELECT id, received_at, auth, company_id, payload, mapped, custom FROM webhook_events WHERE site_id = ? ORDER BY id DESC LIMIT ?',
  ).all(siteId, limit);
}
