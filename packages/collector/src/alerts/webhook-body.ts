import type { OutboxPayload } from './outbox-payload.js';

/**
 * The body of a webhook: { id, type, createdAt, data }, the Standard Webhooks envelope,
 * with the signal as the feed shows it in data. The site's internal id stays out: the
 * receiver knows which endpoint it registered.
 */
export function webhookBody(payload: OutboxPayload): string {
  const { siteId: _siteId, ...signal } = payload;
  return JSON.stringify({ id: payload.id, type: payload.type, createdAt: payload.createdAt, data: signal });
}
