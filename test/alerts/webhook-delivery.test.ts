import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Signal } from '../../packages/collector/src/alerts/signal.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { enqueueDeliveries } from '../../packages/collector/src/store/deliveries.js';
import type { TestSite } from '../helpers/server.js';
import { startApi, type Api } from '../api/client.js';
import { startReceiver, until, type Receiver } from './receiver.js';
import { watchlistHit } from './signals.js';

const hour = 3_600_000;
let clock = Date.parse('2026-05-01T10:00:00Z');
let api: Api;
const receivers: Receiver[] = [];

beforeAll(async () => {
  // Local receivers listen on 127.0.0.1: the guard's address rules are lifted, as the start line says.
  api = await startApi({ CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1' }, { now: () => clock, jitter: 0, outbound: { timeoutMs: 1_500 } });
});
afterAll(() => api.stop());
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(answer?: Receiver['answer']): Promise<Receiver> {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

async function endpoint(site: TestSite, url: string, body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const res = await api.call('POST', '/api/v1/webhooks', { key: site.keys.write, body: { url, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Stores a signal's deliveries as part A does: inside the transaction that stores the signal. */
function emit(signal: Signal): Signal {
  const db = api.server.ctx.db;
  db.transaction(() => enqueueDeliveries(db, signal))();
  return signal;
}

async function deliveriesOf(site: TestSite, endpointId: string): Promise<any[]> {
  return (await api.call('GET', `/api/v1/webhooks/${endpointId}/deliveries`, { key: site.keys.write })).body.deliveries;
}

describe('webhook delivery', () => {
  it('sends a signal to each enabled endpoint subscribed to its type, signed so standardwebhooks verifies it', async () => {
    const site = api.addSite();
    const all = await receiver();
    const hotOnly = await receiver();
    const off = await receiver();
    const wildcard = await endpoint(site, `${all.url}/hook`);
    await endpoint(site, `${hotOnly.url}/hook`, { events: ['lead.hot'] });
    await endpoint(site, `${off.url}/hook`, { enabled: false });
    const signal = emit(watchlistHit(site.id, {}, clock));
    await until(() => all.received.length === 1, 'the subscribed endpoint has the signal');
    const [got] = all.received;
    const verified = verify(wildcard.secret, got!);
    expect(got!.headers['webhook-id']).toBe(signal.id);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(verified).toMatchObject({
      id: signal.id,
      type: 'watchlist.hit',
      createdAt: signal.createdAt,
      data: { id: signal.id, company: signal.company, data: signal.data },
    });
    expect(verified.data.siteId).toBeUndefined();
    await until(async () => (await deliveriesOf(site, wildcard.id))[0]?.status === 'delivered', 'the delivery is recorded');
    expect((await deliveriesOf(site, wildcard.id))[0]).toMatchObject({ signalId: signal.id, attempts: 1, lastResponseCode: 200, lastError: null, nextAttemptAt: null });
    expect(hotOnly.received).toEqual([]);
    expect(off.received).toEqual([]);
  });

  it('retries a failing receiver on the backoff clock with the same webhook-id, until it comes back', async () => {
    const site = api.addSite();
    const flaky = await receiver((_req, res) => res.writeHead(500).end('down'));
    const hook = await endpoint(site, flaky.url);
    const signal = emit(watchlistHit(site.id, {}, clock));
    await until(async () => (await deliveriesOf(site, hook.id))[0]?.attempts === 1, 'the first attempt is recorded');
    const started = clock;
    expect((await deliveriesOf(site, hook.id))[0]).toMatchObject({
      status: 'pending',
      lastResponseCode: 500,
      lastError: 'The receiver answered 500',
      nextAttemptAt: iso(started + 30_000),
    });
    expect((await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key: site.keys.write })).body.failingSince).toBe(iso(started));

    clock += 29_000;
    await new Promise((r) => setTimeout(r, 600));
    expect(flaky.received).toHaveLength(1);
    clock += 1_000;
    await until(async () => (await deliveriesOf(site, hook.id))[0]?.attempts === 2, 'the retry after 30 s');
    expect((await deliveriesOf(site, hook.id))[0].nextAttemptAt).toBe(iso(clock + 60_000));

    flaky.answer = (_req, res) => res.writeHead(204).end();
    clock += 60_000;
    await until(async () => (await deliveriesOf(site, hook.id))[0]?.status === 'delivered', 'the receiver came back');
    expect(flaky.received.map((r) => r.headers['webhook-id'])).toEqual([signal.id, signal.id, signal.id]);
    expect((await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key: site.keys.write })).body.failingSince).toBeNull();
  });

  it('counts a receiver that does not answer within the timeout as a failed attempt', async () => {
    const site = api.addSite();
    const silent = await receiver(() => undefined);
    const hook = await endpoint(site, silent.url);
    emit(watchlistHit(site.id, {}, clock));
    await until(async () => (await deliveriesOf(site, hook.id))[0]?.attempts === 1, 'the attempt times out');
    expect((await deliveriesOf(site, hook.id))[0]).toMatchObject({ status: 'pending', lastResponseCode: null, lastError: 'no complete answer within 2 s' });
  });

  it('turns an endpoint off at once when it answers 410, shows why, and sends again once it is turned on', async () => {
    const site = api.addSite();
    const gone = await receiver((_req, res) => res.writeHead(410).end());
    const hook = await endpoint(site, gone.url);
    emit(watchlistHit(site.id, {}, clock));
    await until(async () => (await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key: site.keys.write })).body.enabled === false, 'the endpoint is off');
    const shown = (await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key: site.keys.write })).body;
    expect(shown.disabledReason).toBe(`The endpoint answered 410 Gone at ${new Date(clock).toISOString()}`);
    clock += hour;
    await new Promise((r) => setTimeout(r, 600));
    expect(gone.received).toHaveLength(1);

    gone.answer = (_req, res) => res.end('ok');
    const on = await api.call('PATCH', `/api/v1/webhooks/${hook.id}`, { key: site.keys.write, body: { enabled: true } });
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    await until(async () => (await deliveriesOf(site, hook.id))[0]?.status === 'delivered', 'the delivery goes out again');
    expect(gone.received).toHaveLength(2);
  });

  it('turns an endpoint off after 3 days of nothing but failures, and fails the delivery', async () => {
    const site = api.addSite();
    const broken = await receiver((_req, res) => res.writeHead(503).end());
    const hook = await endpoint(site, broken.url);
    emit(watchlistHit(site.id, {}, clock));
    const first = clock;
    await until(async () => (await deliveriesOf(site, hook.id))[0]?.attempts === 1, 'the first failure');
    clock += 72 * hour;
    await until(async () => (await deliveriesOf(site, hook.id))[0]?.status === 'failed', 'the delivery is given up');
    const shown = (await api.call('GET', `/api/v1/webhooks/${hook.id}`, { key: site.keys.write })).body;
    expect(shown).toMatchObject({ enabled: false, disabledReason: `Every delivery failed for 3 days, since ${new Date(first).toISOString()}` });
    expect((await deliveriesOf(site, hook.id))[0]).toMatchObject({ attempts: 2, nextAttemptAt: null, lastResponseCode: 503 });
  });

  it('redelivers a delivered signal with the same webhook-id', async () => {
    const site = api.addSite();
    const target = await receiver();
    const hook = await endpoint(site, target.url);
    const signal = emit(watchlistHit(site.id, {}, clock));
    await until(async () => (await deliveriesOf(site, hook.id))[0]?.status === 'delivered', 'the first delivery');
    const [delivery] = await deliveriesOf(site, hook.id);
    const again = await api.call('POST', `/api/v1/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, { key: site.keys.write });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'pending', attempts: 0, deliveredAt: null });
    await until(() => target.received.length === 2, 'the redelivery');
    expect(target.received.map((r) => r.headers['webhook-id'])).toEqual([signal.id, signal.id]);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const site = api.addSite();
    const target = await receiver();
    const hook = await endpoint(site, target.url);
    const rotated = (await api.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { key: site.keys.write })).body;
    const test = await api.call('POST', `/api/v1/webhooks/${hook.id}/test`, { key: site.keys.write });
    await until(() => target.received.length === 1, 'the test delivery');
    const [got] = target.received;
    expect(String(got!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(hook.secret, got!)).toMatchObject({ type: 'webhook.test', id: test.body.signalId });
    expect(verify(rotated.secret, got!)).toMatchObject({ type: 'webhook.test' });
  });

  it('records an answer without stalling this thread while another connection holds the write lock, and once it is free', async () => {
    const site = api.addSite();
    let answer: (() => void) | null = null;
    const held = await receiver((_req, res) => (answer = () => res.end('ok')));
    const hook = await endpoint(site, held.url);
    emit(watchlistHit(site.id, {}, clock));
    await until(() => answer !== null, 'the attempt is in flight');
    // The writer thread's part: a connection of its own in the middle of a commit.
    const other = openDatabase(api.server.dbPath);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      answer!();
      // busy_timeout is 5 s: a record that waited for the lock would hold up this thread, timers included.
      const started = performance.now();
      await new Promise((r) => setTimeout(r, 300));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect((await deliveriesOf(site, hook.id))[0]).toMatchObject({ status: 'pending', attempts: 0 });
      other.prepare('COMMIT').run();
      await until(async () => (await deliveriesOf(site, hook.id))[0]?.status === 'delivered', 'the answer is recorded once the lock is free');
      expect((await deliveriesOf(site, hook.id))[0]).toMatchObject({ attempts: 1, lastResponseCode: 200 });
      expect(held.received).toHaveLength(1);
    } finally {
      if (other.inTransaction) other.prepare('ROLLBACK').run();
      other.close();
    }
  });

  it('keeps one slow receiver from delaying another endpoint', async () => {
    // Its own collector, with the real 10 s timeout: the slow receiver holds its slots for the whole test.
    const own = await startApi({ CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1' }, { now: () => clock });
    try {
      const site = own.addSite();
      const slow = await receiver(() => undefined);
      const fast = await receiver();
      for (const target of [slow, fast]) expect((await own.call('POST', '/api/v1/webhooks', { key: site.keys.write, body: { url: target.url } })).status).toBe(201);
      const db = own.server.ctx.db;
      for (let i = 0; i < 6; i++) db.transaction(() => enqueueDeliveries(db, watchlistHit(site.id, {}, clock)))();
      await until(() => fast.received.length === 6, 'the fast receiver has every signal');
      // Four at a time per endpoint: the slow one holds its own four slots and nothing else.
      expect(slow.received.length).toBe(4);
    } finally {
      await own.stop();
    }
  });
});

/** standardwebhooks checks webhook-timestamp against its own clock: give it the collector's injected one. */
function verify(secret: string, got: { body: string; headers: Record<string, unknown> }): any {
  vi.useFakeTimers({ toFake: ['Date'], now: clock });
  try {
    return new Webhook(secret).verify(got.body, got.headers as Record<string, string>);
  } finally {
    vi.useRealTimers();
  }
}

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
