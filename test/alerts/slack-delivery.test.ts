import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDeliveries } from '../../packages/collector/src/store/deliveries.js';
import { startApi, type Api } from '../api/client.js';
import { startReceiver, until, type Receiver } from './receiver.js';
import { watchlistHit } from './signals.js';

let clock = Date.parse('2026-05-01T10:00:00Z');
let api: Api;
let slack: Receiver;

beforeAll(async () => {
  api = await startApi({ CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1', CLEARVIEW_PUBLIC_URL: 'https://cv.example.com/' }, { now: () => clock, jitter: 0 });
  slack = await startReceiver();
});
afterAll(async () => {
  await api.stop();
  await slack.close();
});

const slackRow = (signalId: string) =>
  api.server.ctx.db.prepare("SELECT status, attempts, next_attempt_at, last_status_code FROM deliveries WHERE signal_id = ? AND channel = 'slack'").get(signalId) as any;

describe('Slack alerts', () => {
  it('posts a Block Kit message in which a page title cannot ping the channel or format text', async () => {
    const site = api.addSite();
    const patched = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { alerts: { slack: { webhookUrl: `${slack.url}/services/T/B/X` } } } });
    expect(patched.status).toBe(200);
    const signal = watchlistHit(site.id, { data: { pages: [{ url: 'https://example.com/p', title: '<!channel> <b>x</b>', at: '2026-05-01T10:00:00.000Z' }] } }, clock);
    api.server.ctx.db.transaction(() => enqueueDeliveries(api.server.ctx.db, signal))();
    await until(() => slack.received.length === 1, 'Slack has the message');
    const message = JSON.parse(slack.received[0]!.body);
    const text = JSON.stringify(message);
    expect(text).toContain('&lt;!channel&gt; &lt;b&gt;x&lt;/b&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<b>');
    expect(text).toContain('<https://cv.example.com/dashboard/companies/comp_acme12345678|Open in ClearView>');
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'A watched company is on your site' } });
    await until(() => slackRow(signal.id)?.status === 'delivered', 'the delivery is recorded');
  });

  it("waits what Slack's Retry-After asks for, rather than the backoff", async () => {
    const site = api.addSite();
    slack.answer = (_req, res) => res.writeHead(429, { 'Retry-After': '120' }).end('rate_limited');
    await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { alerts: { slack: { webhookUrl: `${slack.url}/services/T/B/Y` } } } });
    const signal = watchlistHit(site.id, {}, clock);
    api.server.ctx.db.transaction(() => enqueueDeliveries(api.server.ctx.db, signal))();
    await until(() => slackRow(signal.id)?.attempts === 1, 'the rate-limited attempt is recorded');
    expect(slackRow(signal.id)).toEqual({ status: 'pending', attempts: 1, next_attempt_at: clock + 120_000, last_status_code: 429 });
    slack.answer = (_req, res) => res.end('ok');
    clock += 120_000;
    await until(() => slackRow(signal.id)?.status === 'delivered', 'the retry after two minutes');
  });
});
