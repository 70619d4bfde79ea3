import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/collector/src/store/api-keys.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { spawnCollector, type CollectorProcess } from '../helpers/process.js';
import { startReceiver, until, type Receiver } from './receiver.js';

let dir: string;
let receiver: Receiver;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-outbox-'));
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the outbox across a crash', () => {
  it('sends every pending delivery after kill -9 and a restart, and none that got a 2xx twice', async () => {
    const dbPath = join(dir, 'clearview.db');
    const db = openDatabase(dbPath);
    const { site } = createSite(db, { name: 'Crash', domains: ['example.com'] });
    const key = createApiKey(db, { siteId: site.id, permission: 'write', label: 'test' }).key;
    db.close();
    const env = { CLEARVIEW_DB: dbPath, CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1' };
    const call = async (collector: CollectorProcess, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${collector.url}${path}`, {
        method,
        headers: { 'X-Api-Key': key, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.json() };
    };

    // Every answer with a 2xx is noted by webhook-id: those must never come again.
    const acknowledged: string[] = [];
    let hang = false;
    receiver.answer = (req, res) => {
      if (hang) return;
      acknowledged.push(String(req.headers['webhook-id']));
      res.writeHead(200).end();
    };

    const first = await spawnCollector(env);
    // The start says the guard's address rules are lifted.
    expect(first.stdout()).toContain('CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS=1');
    const hook = await call(first, 'POST', '/api/v1/webhooks', { url: receiver.url });
    expect(hook.status).toBe(201);
    const test = async (collector: CollectorProcess) => (await call(collector, 'POST', `/api/v1/webhooks/${hook.body.id}/test`)).body.signalId as string;
    const delivered = [await test(first), await test(first), await test(first)];
    await until(
      async () => (await call(first, 'GET', `/api/v1/webhooks/${hook.body.id}/deliveries`)).body.deliveries.every((d: any) => d.status === 'delivered'),
      'the first three are recorded as delivered',
    );

    // Now the receiver holds every request open: four are in flight, three wait their turn, when the collector dies.
    hang = true;
    const pending: string[] = [];
    for (let i = 0; i < 7; i++) pending.push(await test(first));
    await until(() => receiver.received.length === 3 + 4, 'four attempts are in flight');
    first.child.kill('SIGKILL');
    await first.exited;

    hang = false;
    const second = await spawnCollector(env);
    try {
      await until(() => pending.every((id) => acknowledged.includes(id)), 'every pending delivery arrives after the restart', 60_000);
      await until(
        async () => (await call(second, 'GET', `/api/v1/webhooks/${hook.body.id}/deliveries`)).body.deliveries.every((d: any) => d.status === 'delivered'),
        'all ten are recorded as delivered',
      );
      for (const id of [...delivered, ...pending])
        expect(
          acknowledged.filter((a) => a === id),
          id,
        ).toHaveLength(1);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 180_000);
});
