import { createRequire } from 'node:module';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { emailMessage } from './email-message.js';
import type { Sender } from './sender.js';

const require = createRequire(import.meta.url);

/**
 * Alert email through the operator's SMTP server (CLEARVIEW_SMTP_URL). The server is the
 * operator's own choice, not a user's URL, so the outbound guard does not apply to it.
 */
export function emailSender(deps: {
  smtp: { url: string; from: string };
  recipientsOf: (siteId: string) => string[];
  publicUrl: string | null;
  timeoutMs?: number;
}): Sender & {
  close(): void;
} {
  const timeout = deps.timeoutMs ?? 10_000;
  const options: SMTPTransport.Options = { url: deps.smtp.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout };
  // Loaded here, only when email is configured: importing nodemailer costs a start that sends no email.
  const { createTransport } = require('nodemailer') as typeof import('nodemailer');
  const transport = createTransport(options);
  return {
    async send(delivery, payload, { signal }) {
      const to = deps.recipientsOf(delivery.site_id);
      if (to.length === 0) return { ok: false, statusCode: null, error: 'Email alerts have no recipients any more', retryAfterMs: null };
      if (signal.aborted) return { ok: false, statusCode: null, error: 'the collector is shutting down', retryAfterMs: null };
      const message = emailMessage(payload, deps.publicUrl);
      try {
        // The subject goes through headerSafe, and nodemailer encodes headers: nothing from a beacon can add one.
        await transport.sendMail({ from: deps.smtp.from, to, subject: message.subject, text: message.text, html: message.html });
        return { ok: true, statusCode: null };
      } catch (error) {
        const code = (error as { responseCode?: unknown }).responseCode;
        const statusCode = typeof code === 'number' ? code : null;
        return { ok: false, statusCode, error: statusCode !== null ? `The mail server answered ${statusCode}` : 'Could not reach the mail server', retryAfterMs: null };
      }
    },
    close: () => transport.close(),
  };
}
