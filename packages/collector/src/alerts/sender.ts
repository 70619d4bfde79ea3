import type { DueDelivery } from '../store/deliveries.js';
import type { OutboxPayload } from './outbox-payload.js';

/** What one attempt came to. A failure's message is shown on the delivery: no secret, no address. */
export type SendResult = { ok: true; statusCode: number | null } | { ok: false; statusCode: number | null; error: string; retryAfterMs: number | null };

/** One channel (signed webhook, Slack, email): sends one delivery once. The job decides about retries. */
export interface Sender {
  send(delivery: DueDelivery, payload: OutboxPayload, options: { now: number; signal: AbortSignal }): Promise<SendResult>;
}
