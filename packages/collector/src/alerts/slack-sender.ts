import { OutboundError, safeRequest, type SafeRequestOptions } from '../http/outbound-guard.js';
import { resultOfAnswer } from './http-answer.js';
import type { Sender } from './sender.js';
import { slackMessage } from './slack-message.js';

/**
 * Slack incoming webhooks, through the outbound guard. The URL is read at send time, so a
 * corrected URL applies to alerts still owed; it is a credential and never logged.
 */
export function slackSender(deps: { webhookUrlOf: (siteId: string) => string | null; publicUrl: string | null; request: Omit<SafeRequestOptions, 'signal'> }): Sender {
  return {
    async send(delivery, payload, { now, signal }) {
      const url = deps.webhookUrlOf(delivery.site_id);
      if (url === null) return { ok: false, statusCode: null, error: 'Slack is no longer configured for this site', retryAfterMs: null };
      const body = JSON.stringify(slackMessage(payload, deps.publicUrl));
      try {
        return resultOfAnswer(await safeRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }, { ...deps.request, signal }), now);
      } catch (error) {
        if (error instanceof OutboundError) return { ok: false, statusCode: null, error: error.message, retryAfterMs: null };
        throw error;
      }
    },
  };
}
