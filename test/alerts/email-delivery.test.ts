import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDeliveries } from '../../packages/collector/src/store/deliveries.js';
import { startApi, type Api } from '../api/client.js';
import { until } from './receiver.js';
import { watchlistHit } from './signals.js';

let api: Api;
let smtp: SMTPServer;
const mails: Array<{ envelopeTo: string[]; parsed: ParsedMail }> = [];

beforeAll(async () => {
  // A real SMTP server on 127.0.0.1; plain SMTP, as a local relay would offer.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  api = await startApi({
    CLEARVIEW_SMTP_URL: `smtp://127.0.0.1:${port}`,
    CLEARVIEW_SMTP_FROM: 'ClearView <alerts@cv.example.com>',
    CLEARVIEW_PUBLIC_URL: 'https://cv.example.com',
  });
});
afterAll(async () => {
  await api.stop();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

const addresses = (field: AddressObject | AddressObject[] | undefined) => [field ?? []].flat().flatMap((a) => a.value.map((v) => v.address));

describe('email alerts', () => {
  it('sends a plain-text and an HTML part to every recipient, with beacon text escaped and the subject on one line', async () => {
    const site = api.addSite();
    const patched = await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: { alerts: { email: { recipients: ['sales@example.com', 'ops@example.com'] } } },
    });
    expect(patched.status).toBe(200);
    const signal = watchlistHit(site.id, {
      company: { id: 'comp_acme12345678', name: 'Acme\r\nBcc: victim@evil.example', domain: 'acme.com', leadScore: 81 },
      data: { pages: [{ url: 'https://example.com/p?a=1&b=2', title: '<!channel> <b>x</b>', at: '2026-05-01T10:00:00.000Z' }], notes: '<script>alert(1)</script>' },
    });
    const db = api.server.ctx.db;
    db.transaction(() => enqueueDeliveries(db, signal))();
    await until(() => mails.length === 1, 'the mail arrives');
    const [{ envelopeTo, parsed }] = mails as [(typeof mails)[number]];
    expect(envelopeTo.sort()).toEqual(['ops@example.com', 'sales@example.com']);
    expect(addresses(parsed.to).sort()).toEqual(['ops@example.com', 'sales@example.com']);
    expect(addresses(parsed.from)).toEqual(['alerts@cv.example.com']);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.subject).toBe('A watched company is on your site: Acme Bcc: victim@evil.example');
    expect(parsed.text).toContain('- <!channel> <b>x</b> (https://example.com/p?a=1&b=2) at 2026-05-01T10:00:00.000Z');
    expect(parsed.text).toContain('Score: 81');
    const html = String(parsed.html);
    expect(html).toContain('<a href="https://example.com/p?a=1&amp;b=2">&lt;!channel&gt; &lt;b&gt;x&lt;/b&gt;</a>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('<a href="https://cv.example.com/dashboard/companies/comp_acme12345678">Open in ClearView</a>');
    await until(() => (db.prepare("SELECT status FROM deliveries WHERE signal_id = ? AND channel = 'email'").get(signal.id) as any)?.status === 'delivered', 'recorded');
  });
});
