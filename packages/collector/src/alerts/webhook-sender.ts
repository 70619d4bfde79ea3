import { OutboundError, safeRequest, type SafeRequestOptions } from '../http/outbound-guard.js';
import { resultOfAnswer } from './http-answer.js';
import type { Sender } from './sender.js';
import { webhookBody } from './webhook-body.js';
import { signatureHeaders } from './webhook-signature.js';

/** Signed webhooks: the Standard Webhooks body and headers, through the outbound guard. */
export function webhookSender(deps: { secretsOf: (endpointId: string, now: number) => string[]; request: Omit<SafeRequestOptions, 'signal'> }): Sender {
  return {
    async send(delivery, payload, { now, signal }) {
      if (!delivery.endpoint_id || !delivery.endpoint_url) return { ok: false, statusCode: null, error: 'The endpoint no longer exists', retryAfterMs: null };
      const body = webhookBody(payload);
      const headers = {
        'Content-Type': 'application/json',
        'User-Agent': 'ClearView-Webhooks/1',
        ...signatureHeaders({ id: payload.id, timestampSeconds: Math.floor(now / 1000), body, secrets: deps.secretsOf(delivery.endpoint_id, now) }),
      };
      try {
        return resultOfAnswer(await safeRequest(delivery.endpoint_url, { method: 'POST', headers, body }, { ...deps.request, signal }), now);
      } catch (error) {
        if (error instanceof OutboundError) return { ok: false, statusCode: null, error: error.message, retryAfterMs: null };
        throw error;
      }
    },
  };
}
