import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../packages/collector/src/api/app.js';
import { makeDraft } from '../../packages/collector/src/make-draft.js';
import { createApiKey, revokeApiKey } from '../../packages/collector/src/store/api-keys.js';
import { upsertContact } from '../../packages/collector/src/store/contacts.js';
import { insertSignal } from '../../packages/collector/src/store/signals.js';
import { addWatchEntry } from '../../packages/collector/src/store/watch-list.js';
import { testSignal } from '../../packages/collector/src/alerts/outbox-payload.js';
import { enqueueTestDelivery } from '../../packages/collector/src/store/deliveries.js';
import { createWebhookEndpoint } from '../../packages/collector/src/store/webhook-endpoints.js';
import type { TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;
let revoked: string;
let companyId: string;
let contactId: string;
const signalId = '7b0c1e9a-3f2d-4c8e-9a1b-2c3d4e5f6a7b';

beforeAll(async () => {
  api = await startApi();
  site = api.addSite();
  const db = api.server.ctx.db;
  const made = createApiKey(db, { siteId: site.id, permission: 'admin', label: 'soon revoked' });
  revokeApiKey(db, made.apiKey.id);
  revoked = made.key;
  const res = await api.call('POST', '/api/v1/ingest', { key: site.keys.admin, bearer: true, body: { companies: [{ domain: 'acme.com', name: 'Acme' }] } });
  companyId = (await api.call('GET', '/api/v1/companies', { key: site.keys.read })).body.companies[0].id;
  contactId = upsertContact(db, site.id, { email: 'sarah@acme.com' }, 'ingest', Date.now()).id;
  addWatchEntry(db, site.id, { domain: 'acme.com', companyName: null, notes: null }, Date.now());
  const signal = {
    id: signalId,
    siteId: site.id,
    type: 'lead.hot' as const,
    company: null,
    contact: null,
    summary: 'x',
    data: {},
    createdAt: '2026-12-07T12:00:00Z',
    completedAt: null,
  };
  insertSignal(db, signal, Date.now(), null, null);
  expect(res.status).toBe(200);
});
afterAll(() => api.stop());

/** A webhook endpoint of the test site, made through the store (its URL is never reached in these tests). */
function newWebhookEndpoint(): string {
  const input = { siteId: site.id, url: 'https://hooks.example.com/matrix', description: '', events: ['*'], enabled: true };
  return createWebhookEndpoint(api.server.ctx.db, input, Date.now()).endpoint.id;
}

/** A valid request for each endpoint, so that only the credentials decide the answer. */
function requestFor(method: string, path: string): { path: string; body?: unknown } {
  if (path.startsWith('/api/v1/webhooks/{id}')) {
    const id = newWebhookEndpoint();
    const deliveryId = enqueueTestDelivery(api.server.ctx.db, id, testSignal(crypto.randomUUID(), site.id, Date.now()), Date.now()).id;
    return { path: path.replace('{id}', id).replace('{deliveryId}', deliveryId), body: method === 'PATCH' ? { description: 'matrix' } : undefined };
  }
  switch (`${method} ${path}`) {
    case 'POST /api/v1/webhooks':
      return { path, body: { url: 'https://hooks.example.com/matrix' } };
    case 'GET /api/v1/companies/{id}':
      return { path: `/api/v1/companies/${companyId}` };
    case 'POST /api/v1/ingest':
      return { path, body: { companies: [{ domain: 'acme.com' }], visitors: [], pageViews: [] } };
    case 'POST /api/v1/webhook':
      return { path, body: { company_name: 'Acme Corp', domain: 'acme.com' } };
    case 'GET /api/v1/resolve':
      return { path: `${path}?ip=203.0.113.42` };
    case 'POST /api/v1/keys':
      return { path, body: { label: 'matrix', permission: 'read' } };
    case 'DELETE /api/v1/keys/{id}':
      return { path: `/api/v1/keys/${createApiKey(api.server.ctx.db, { siteId: site.id, permission: 'read', label: 'to revoke' }).apiKey.id}` };
    case 'GET /api/v1/contacts/{id}':
      return { path: `/api/v1/contacts/${contactId}` };
    case 'DELETE /api/v1/contacts/{id}':
      return { path: `/api/v1/contacts/${upsertContact(api.server.ctx.db, site.id, { email: `p${Math.random()}@acme.com` }, 'ingest', Date.now()).id}` };
    case 'POST /api/dashboard/watch-list':
      return { path, body: { domains: ['matrix.example.com'] } };
    case 'PATCH /api/dashboard/watch-list':
      return { path, body: { domain: 'acme.com', notes: 'matrix' } };
    case 'DELETE /api/dashboard/watch-list': {
      const domain = `m${Math.random().toString(36).slice(2)}.com`;
      addWatchEntry(api.server.ctx.db, site.id, { domain, companyName: null, notes: null }, Date.now());
      return { path: `${path}?domain=${domain}` };
    }
    case 'GET /api/v1/signals/{id}':
      return { path: `/api/v1/signals/${signalId}` };
    case 'PATCH /api/v1/settings':
      return { path, body: { name: 'Renamed' } };
    case 'POST /api/dashboard/outreach':
      return { path, body: { contactId } };
    case 'PATCH /api/dashboard/outreach':
      // An edit keeps the draft pending, so every level's request finds it editable.
      return { path, body: { id: makeDraft(api.server.ctx.db, site.id, { contactId }, Date.now())!.id, subject: 'Edited' } };
    default:
      return { path };
  }
}

const levels = ['read', 'write', 'admin'] as const;
const rank = { read: 0, write: 1, admin: 2 };
const guarded = endpoints.filter((e) => e.auth !== 'public');

describe('the authentication and permission matrix', () => {
  for (const endpoint of guarded) {
    const name = `${endpoint.method} ${endpoint.path}`;
    const bearer = endpoint.auth === 'bearer';

    it(`${name} answers 401 without a key`, async () => {
      const req = requestFor(endpoint.method, endpoint.path);
      const res = await api.call(endpoint.method, req.path, { body: req.body });
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    });

    it(`${name} answers 401 to a malformed key and to a revoked one`, async () => {
      const req = requestFor(endpoint.method, endpoint.path);
      for (const key of ['cv_live_short', 'sk_live_' + 'a'.repeat(32), revoked, 'cv_live_' + 'A'.repeat(32)]) {
        const res = await api.call(endpoint.method, req.path, { body: req.body, key, bearer });
        expect(res.status, key).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
    });

    for (const level of levels) {
      const allowed = rank[level] >= rank[endpoint.permission];
      it(`${name} answers ${allowed ? 'success' : '403'} to a ${level} key`, async () => {
        const req = requestFor(endpoint.method, endpoint.path);
        const res = await api.call(endpoint.method, req.path, { body: req.body, key: site.keys[level], bearer });
        if (allowed) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
        else {
          expect(res.status).toBe(403);
          expect(res.body.error.code).toBe('FORBIDDEN');
          expect(res.body.error.message).toContain(endpoint.permission);
        }
      });
    }
  }

  it('takes the key as Authorization: Bearer as well as X-Api-Key on the other endpoints', async () => {
    const res = await api.call('GET', '/api/v1/companies', { key: site.keys.read, bearer: true });
    expect(res.status).toBe(200);
  });

  it('refuses X-Api-Key on POST /api/v1/ingest with a 401 that says to use Bearer', async () => {
    const res = await api.call('POST', '/api/v1/ingest', { key: site.keys.write, body: { companies: [] } });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('Bearer');
  });

  it('refuses two different keys in the two headers', async () => {
    const res = await api.call('GET', '/api/v1/companies', { key: site.keys.read, headers: { Authorization: `Bearer ${site.keys.admin}` } });
    expect(res.status).toBe(401);
  });

  it('serves the OpenAPI document and /docs without a key', async () => {
    expect((await api.call('GET', '/api/v1/openapi.json')).status).toBe(200);
    expect((await api.call('GET', '/docs', { unchecked: true })).status).toBe(200);
  });
});
