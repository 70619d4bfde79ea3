import { retryAfterMs } from './retry-policy.js';
import type { SendResult } from './sender.js';
import type { OutboundAnswer } from '../http/outbound-guard.js';

/**
 * An HTTP answer as an attempt's result: only a 2xx delivers. A 3xx is a failure, since
 * a redirect is never followed (it could lead anywhere, the guard's checks included).
 */
export function resultOfAnswer(answer: OutboundAnswer, now: number): SendResult {
  const { status } = answer;
  if (status >= 200 && status < 300) return { ok: true, statusCode: status };
  const header = answer.headers['retry-after'];
  const retryAfter = status === 429 || status === 503 ? retryAfterMs(header, now) : null;
  const error = status >= 300 && status < 400 ? `The receiver answered ${status}; redirects are not followed` : `The receiver answered ${status}`;
  return { ok: false, statusCode: status, error, retryAfterMs: retryAfter };
}
