import { emailSender } from '../alerts/email-sender.js';
import type { Sender } from '../alerts/sender.js';
import { slackSender } from '../alerts/slack-sender.js';
import { webhookSender } from '../alerts/webhook-sender.js';
import type { Db } from '../store/db.js';
import { emailRecipients, slackWebhookUrl, type DeliveryChannel } from '../store/deliveries.js';
import { endpointSecrets } from '../store/webhook-endpoints.js';

/** What the senders need from the configuration: plain values, so they cross to the delivery thread. */
export interface DeliverySettings {
  publicUrl: string | null;
  smtp: { url: string; from: string } | null;
  /** CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: plain http and private addresses, for local testing. */
  allowPrivate: boolean;
  /** Outbound requests' timeout (10 s unless a test shortens it). */
  timeoutMs?: number;
}

/** The three channels, reading secrets, Slack URLs and recipients through `db` at send time. */
export function deliverySenders(db: Db, settings: DeliverySettings): { senders: Record<DeliveryChannel, Sender>; close: () => void } {
  const request = { allowPrivate: settings.allowPrivate, timeoutMs: settings.timeoutMs };
  const email = settings.smtp
    ? emailSender({ smtp: settings.smtp, recipientsOf: (siteId) => emailRecipients(db, siteId), publicUrl: settings.publicUrl, timeoutMs: settings.timeoutMs })
    : null;
  const noEmail: Sender = { send: async () => ({ ok: false, statusCode: null, error: 'Email is not configured (CLEARVIEW_SMTP_URL)', retryAfterMs: null }) };
  return {
    senders: {
      webhook: webhookSender({ secretsOf: (id, at) => endpointSecrets(db, id, at), request }),
      slack: slackSender({ webhookUrlOf: (siteId) => slackWebhookUrl(db, siteId), publicUrl: settings.publicUrl, request }),
      email: email ?? noEmail,
    },
    close: () => email?.close(),
  };
}
