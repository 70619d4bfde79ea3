import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../packages/collector/src/store/db.js';
import { endpointSecrets } from '../../packages/collector/src/store/webhook-endpoints.js';
import type { TestSite } from '../helpers/server.js';
import { startApi, type Api } from '../api/client.js';
import { countMismatches } from '../store/count-checks.js';

// Without CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: the guard's rules as in production.
let api: Api;
let site: TestSite;
let other: TestSite;
const clock = Date.parse('2026-05-01T10:00:00Z');

beforeAll(async () => {
  api = await startApi({}, { now: () => clock });
  site = api.addSite();
  other = api.addSite(['other.example']);
});
afterAll(() => api.stop());

const create = (body: unknown, key = site.keys.write) => api.call('POST', '/api/v1/webhooks', { key, body });

describe('webhook endpoints', () => {
  it('registers an endpoint and shows its whsec_ secret once, at creation', async () => {
    const res = await create({ url: 'https://hooks.example.com/clearview', events: ['watchlist.hit', 'lead.hot'], description: 'CRM' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/webhooks/${res.body.id}`);
    expect(res.body).toMatchObject({
      url: 'https://hooks.example.com/clearview',
      events: ['watchlist.hit', 'lead.hot'],
      description: 'CRM',
      enabled: true,
      disabledReason: null,
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const one = await api.call('GET', `/api/v1/webhooks/${res.body.id}`, { key: site.keys.write });
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    const list = await api.call('GET', '/api/v1/webhooks', { key: site.keys.write });
    expect(list.body.webhooks.map((w: any) => w.id)).toContain(res.body.id);
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
  });

  it('sends every type by default, and refuses "*" beside a type, repeats and unknown types', async () => {
    expect((await create({ url: 'https://hooks.example.com/all' })).body.events).toEqual(['*']);
    for (const events of [['*', 'lead.hot'], ['lead.hot', 'lead.hot'], ['lead.cold'], []]) {
      const res = await create({ url: 'https://hooks.example.com/x', events });
      expect(res.status, JSON.stringify(events)).toBe(422);
      expect(res.body.details[0].field).toMatch(/^events/);
    }
  });

  it('refuses, naming the field, every URL ClearView must not call', async () => {
    const refused = [
      'https://localhost/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest/meta-data/',
      'http://2130706433/',
      'https://2130706433/',
      'https://0x7f.0.0.1/',
      'http://hooks.example.com/plain-http',
    ];
    for (const url of refused) {
      const res = await create({ url });
      expect(res.status, url).toBe(422);
      expect(res.body.details, url).toEqual([{ field: 'url', message: expect.stringMatching(/^url must/) }]);
    }
    const made = await create({ url: 'https://hooks.example.com/ok' });
    const patched = await api.call('PATCH', `/api/v1/webhooks/${made.body.id}`, { key: site.keys.write, body: { url: 'https://192.168.0.1/' } });
    expect(patched.status).toBe(422);
    expect(patched.body.details[0].field).toBe('url');
  });

  it('changes and deletes an endpoint; another site sees none of it', async () => {
    const made = (await create({ url: 'https://hooks.example.com/change' })).body;
    const patched = await api.call('PATCH', `/api/v1/webhooks/${made.id}`, { key: site.keys.write, body: { description: 'New', events: ['lead.hot'], enabled: false } });
    expect(patched.body).toMatchObject({ description: 'New', events: ['lead.hot'], enabled: false, url: 'https://hooks.example.com/change' });
    for (const [method, path] of [
      ['GET', `/api/v1/webhooks/${made.id}`],
      ['PATCH', `/api/v1/webhooks/${made.id}`],
      ['DELETE', `/api/v1/webhooks/${made.id}`],
      ['GET', `/api/v1/webhooks/${made.id}/deliveries`],
      ['POST', `/api/v1/webhooks/${made.id}/test`],
      ['POST', `/api/v1/webhooks/${made.id}/rotate-secret`],
    ] as const) {
      const res = await api.call(method, path, { key: other.keys.admin, body: method === 'PATCH' ? { enabled: true } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await api.call('GET', '/api/v1/webhooks', { key: other.keys.admin })).body.webhooks).toEqual([]);
    expect((await api.call('DELETE', `/api/v1/webhooks/${made.id}`, { key: site.keys.write })).body).toEqual({ deleted: 1 });
    expect((await api.call('GET', `/api/v1/webhooks/${made.id}`, { key: site.keys.write })).status).toBe(404);
  });

  it('rotates the secret: the new one shown once, the old one signing beside it for 24 hours', async () => {
    const made = (await create({ url: 'https://hooks.example.com/rotate' })).body;
    const rotated = await api.call('POST', `/api/v1/webhooks/${made.id}/rotate-secret`, { key: site.keys.write });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(made.secret);
    expect(rotated.body.previousSecretExpiresAt).toBe('2026-05-02T10:00:00Z');
    const db = api.server.ctx.db;
    expect(endpointSecrets(db, made.id, clock)).toEqual([rotated.body.secret, made.secret]);
    expect(endpointSecrets(db, made.id, clock + 24 * 3_600_000)).toEqual([rotated.body.secret]);
  });

  it('queues a test delivery through the outbox and lists it, refusing a turned-off endpoint', async () => {
    const made = (await create({ url: 'https://hooks.example.com/test' })).body;
    const queued = await api.call('POST', `/api/v1/webhooks/${made.id}/test`, { key: site.keys.write });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ type: 'webhook.test', status: 'pending', attempts: 0, nextAttemptAt: '2026-05-01T10:00:00Z' });
    const list = await api.call('GET', `/api/v1/webhooks/${made.id}/deliveries?limit=5`, { key: site.keys.write });
    expect(list.body.deliveries.map((d: any) => d.id)).toEqual([queued.body.id]);
    expect(list.body.pagination).toEqual({ page: 1, limit: 5, total: 1, pages: 1 });
    await api.call('PATCH', `/api/v1/webhooks/${made.id}`, { key: site.keys.write, body: { enabled: false } });
    expect((await api.call('POST', `/api/v1/webhooks/${made.id}/test`, { key: site.keys.write })).status).toBe(409);
    const again = await api.call('POST', `/api/v1/webhooks/${made.id}/deliveries/${queued.body.id}/redeliver`, { key: site.keys.write });
    expect(again.status).toBe(409);
    expect((await api.call('POST', `/api/v1/webhooks/${made.id}/deliveries/dlv_nope/redeliver`, { key: site.keys.write })).status).toBe(404);
  });

  it('is managed with write keys: a read key is refused', async () => {
    expect((await api.call('GET', '/api/v1/webhooks', { key: site.keys.read })).status).toBe(403);
    expect((await create({ url: 'https://hooks.example.com/x' }, site.keys.read)).status).toBe(403);
  });
});

describe('alert settings that ClearView calls', () => {
  it('answers 422 naming alerts.slack.webhookUrl when it points somewhere ClearView must not call', async () => {
    for (const webhookUrl of ['https://127.0.0.1/services/x', 'http://hooks.slack.com/services/x', 'https://169.254.169.254/', '']) {
      const res = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { alerts: { slack: { webhookUrl } } } });
      expect(res.status, webhookUrl).toBe(422);
      expect(res.body.details[0].field).toBe('alerts.slack.webhookUrl');
    }
    const ok = await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: { alerts: { slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X' } } },
    });
    expect(ok.body.alerts.slack.webhookUrl).toBe('https://hooks.slack.com/services/T/B/X');
  });

  it('refuses alerts.webhook.url with a 422 that points to POST /api/v1/webhooks, and stores nothing', async () => {
    const res = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { alerts: { webhook: { url: 'https://hooks.example.com/old' } } } });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([{ field: 'alerts.webhook.url', message: expect.stringContaining('POST /api/v1/webhooks') }]);
    expect((await api.call('GET', '/api/v1/settings', { key: site.keys.admin })).body.alerts.webhook).toBeUndefined();
  });
});

const migrations = fileURLToPath(new URL('../../packages/collector/migrations', import.meta.url));

describe('migration 010', () => {
  it("turns a site's alerts.webhook.url into a webhook endpoint for every type, and drops the setting", () => {
    const db = new Database(':memory:');
    for (const file of readdirSync(migrations)
      .filter((f) => /^\d{3}_/.test(f))
      .sort()) {
      if (Number(file.slice(0, 3)) > 8) break;
      db.exec(readFileSync(join(migrations, file), 'utf8'));
      db.pragma(`user_version = ${Number(file.slice(0, 3))}`);
    }
    const settings = JSON.stringify({ alerts: { minScore: 50, webhook: { url: 'https://hooks.example.com/legacy' } }, webhook: { acceptSiteKey: false } });
    db.prepare(`INSERT INTO sites (id, name, site_key, webhook_secret_hash, settings, created_at) VALUES ('st_a', 'A', 'site_a', 'x', ?, 0)`).run(settings);
    db.exec(
      `INSERT INTO sites (id, name, site_key, webhook_secret_hash, settings, created_at) VALUES ('st_b', 'B', 'site_b', 'y', '{"alerts":{"webhook":{"url":null}}}', 0)`,
    );
    migrate(db);
    const endpoints = db.prepare('SELECT site_id, url, events, enabled, secret FROM webhook_endpoints').all() as any[];
    expect(endpoints).toEqual([
      { site_id: 'st_a', url: 'https://hooks.example.com/legacy', events: '["*"]', enabled: 1, secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/) },
    ]);
    expect(Buffer.from(endpoints[0].secret.slice(6), 'base64')).toHaveLength(48);
    const stored = (db.prepare('SELECT id, settings FROM sites ORDER BY id').all() as any[]).map((r) => [r.id, JSON.parse(r.settings)]);
    expect(stored).toEqual([
      ['st_a', { alerts: { minScore: 50 }, webhook: { acceptSiteKey: false } }],
      ['st_b', { alerts: {} }],
    ]);
  });

  it('keeps every kept count equal to COUNT(*) of its rows after all of the above', () => {
    expect(countMismatches(api.server.ctx.db)).toEqual([]);
  });
});
