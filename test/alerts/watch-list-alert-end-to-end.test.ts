import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/collector/src/store/api-keys.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { chromeUa } from '../helpers/server.js';
import { spawnCollector, type CollectorProcess } from '../helpers/process.js';
import { startReceiver, until, type Receiver } from './receiver.js';

let dir: string;
let receiver: Receiver;
let collector: CollectorProcess;
let key: string;
let siteKey: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-alert-e2e-'));
  receiver = await startReceiver();
  const dbPath = join(dir, 'clearview.db');
  const db = openDatabase(dbPath);
  const { site } = createSite(db, { name: 'Shop', domains: ['example.com'] });
  siteKey = site.siteKey;
  key = createApiKey(db, { siteId: site.id, permission: 'write', label: 'test' }).key;
  db.close();
  // The receiver listens on 127.0.0.1 over plain http: the guard's address and https rules are lifted, as for any local test.
  collector = await spawnCollector({ CLEARVIEW_DB: dbPath, CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1', CLEARVIEW_TRUST_PROXY: '1' });
}, 180_000);
afterAll(async () => {
  collector?.child.kill('SIGTERM');
  await collector?.exited;
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${collector.url}${path}`, {
    method,
    // Ingest takes its key as a bearer token, as the seed shows; the rest take X-Api-Key.
    headers: { ...(path === '/api/v1/ingest' ? { Authorization: `Bearer ${key}` } : { 'X-Api-Key': key }), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

/** A page view as the tracker sends it: text/plain, one-letter keys, the visitor's address in X-Forwarded-For. */
async function beacon(ip: string, path: string, title: string): Promise<number> {
  const body = {
    k: siteKey,
    n: 'pageview',
    v: 'vis_acme_e2e',
    p: `pv_e2e_${path.slice(1)}`,
    u: `https://example.com${path}`,
    r: 'https://www.google.com/',
    t: title,
    w: 1440,
  };
  const res = await fetch(`${collector.url}/api/v1/collect`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'User-Agent': chromeUa, 'X-Forwarded-For': ip },
    body: JSON.stringify(body),
  });
  return res.status;
}

describe('a watch-list alert, end to end', () => {
  it('turns a beacon from a watched company into a watchlist.hit signal and a signed webhook naming the company and its pages', async () => {
    // The site's own identity data says this network is Acme's, as a CRM export would.
    const ingest = await call('POST', '/api/v1/ingest', { visitors: [{ ip: '198.51.100.0/24', companyDomain: 'acme.com', companyName: 'Acme Corp' }] });
    expect(ingest.status).toBe(200);
    expect((await call('POST', '/api/dashboard/watch-list', { domain: 'acme.com', notes: 'Renewal in Q3' })).status).toBe(201);
    const hook = await call('POST', '/api/v1/webhooks', { url: `${receiver.url}/hooks/clearview`, events: ['watchlist.hit'] });
    expect(hook.status).toBe(201);

    expect(await beacon('198.51.100.7', '/pricing', 'Pricing')).toBe(202);
    await until(() => receiver.received.length === 1, 'the receiver has the webhook', 30_000);
    const [got] = receiver.received;
    // An independent verifier: the signature, the id and the timestamp, against the secret shown at creation.
    const payload = new Webhook(hook.body.secret).verify(got!.body, got!.headers as Record<string, string>) as any;
    expect(payload.type).toBe('watchlist.hit');
    expect(payload.data.company).toMatchObject({ name: 'Acme Corp', domain: 'acme.com' });
    expect(payload.data.data.pages).toEqual([{ url: 'https://example.com/pricing', title: 'Pricing', at: expect.any(String) }]);
    expect(payload.data.data.watchList).toEqual({ domain: 'acme.com', companyName: null, notes: 'Renewal in Q3' });

    const signals = await call('GET', '/api/v1/signals?type=watchlist.hit');
    expect(signals.status).toBe(200);
    expect(signals.body.signals).toHaveLength(1);
    expect(signals.body.signals[0]).toMatchObject({ id: payload.id, company: { domain: 'acme.com' }, completedAt: null });
    expect(got!.headers['webhook-id']).toBe(payload.id);

    // The visit's next page joins the signal; it is not sent again.
    expect(await beacon('198.51.100.7', '/docs', 'Docs')).toBe(202);
    await until(async () => (await call('GET', `/api/v1/signals/${payload.id}`)).body.data?.pages?.length === 2, 'the second page is on the signal', 30_000);
    await until(async () => (await call('GET', `/api/v1/webhooks/${hook.body.id}/deliveries`)).body.deliveries[0]?.status === 'delivered', 'the delivery is recorded');
    expect(receiver.received).toHaveLength(1);
  }, 120_000);
});
