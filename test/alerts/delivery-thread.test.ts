import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { enqueueDeliveries } from '../../packages/collector/src/store/deliveries.js';
import { startApi, type Api } from '../api/client.js';
import { startReceiver, until, type Receiver } from './receiver.js';
import { watchlistHit } from './signals.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(answer?: Receiver['answer']): Promise<Receiver> {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

/** A watch-list signal's deliveries, stored as the signal follower stores them. */
async function emitTo(api: Api, url: string): Promise<{ hook: string; key: string }> {
  const site = api.addSite();
  const hook = await api.call('POST', '/api/v1/webhooks', { key: site.keys.write, body: { url } });
  expect(hook.status).toBe(201);
  const db = api.server.ctx.db;
  db.transaction(() => enqueueDeliveries(db, watchlistHit(site.id, {}, Date.now())))();
  return { hook: hook.body.id as string, key: site.keys.write };
}

describe('the delivery thread', () => {
  it('stops with an attempt in flight without waiting for its receiver, and leaves the delivery due for the next start', async () => {
    const api = await startApi({ CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1' });
    const silent = await receiver(() => undefined);
    await emitTo(api, silent.url);
    await until(() => silent.received.length === 1, 'the attempt is in flight');
    const started = performance.now();
    await api.server.close();
    // The request's own timeout is 10 s: a stop that waited for it, or for a thread that never answered, would take that long.
    expect(performance.now() - started).toBeLessThan(5_000);
    const db = openDatabase(api.server.dbPath);
    try {
      expect(db.prepare('SELECT status, attempts, last_attempt_at FROM deliveries').all()).toEqual([{ status: 'pending', attempts: 0, last_attempt_at: null }]);
    } finally {
      db.close();
      rmSync(api.server.dir, { recursive: true, force: true });
    }
  });

  it("sends an in-memory database's deliveries on the main thread's connection, which no other thread can open", async () => {
    const api = await startApi({ CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1' }, { config: { dbPath: ':memory:' } });
    try {
      const target = await receiver();
      const { hook, key } = await emitTo(api, target.url);
      await until(() => target.received.length === 1, 'the webhook arrives');
      await until(
        async () => (await api.call('GET', `/api/v1/webhooks/${hook}/deliveries`, { key })).body.deliveries[0]?.status === 'delivered',
        'the delivery is recorded',
      );
    } finally {
      await api.stop();
    }
  });
});
