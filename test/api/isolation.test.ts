import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { startApi, type Api } from './client.js';

let api: Api;
let a: TestSite;
let b: TestSite;
let aCompany: string;
let aKeyId: string;

beforeAll(async () => {
  api = await startApi();
  a = api.addSite(['a.example']);
  b = api.addSite(['b.example']);
  const res = await api.call('POST', '/api/v1/ingest', {
    key: a.keys.write,
    bearer: true,
    body: {
      companies: [{ domain: 'acme.com', name: 'Acme of A' }],
      visitors: [{ ip: '203.0.113.42', companyDomain: 'acme.com', email: 'sarah@acme.com' }],
      pageViews: [{ id: 'shared-id', url: '/pricing', visitorIp: '203.0.113.42', timestamp: '2025-12-15T14:33:12Z' }],
    },
  });
  expect(res.body.stats.errors).toBe(0);
  aCompany = (await api.call('GET', '/api/v1/companies', { key: a.keys.read })).body.companies[0].id;
  aKeyId = (await api.call('GET', '/api/v1/keys', { key: a.keys.admin })).body.keys[0].id;
});
afterAll(() => api.stop());

describe('two sites on one collector', () => {
  it("never list or count each other's companies, visitors or page views", async () => {
    for (const path of ['/api/v1/companies', '/api/v1/visitors', '/api/v1/page-views', '/api/v1/webhook/events']) {
      const res = await api.call('GET', path, { key: b.keys.read });
      expect(res.status).toBe(200);
      const list = Object.values(res.body).find(Array.isArray) as unknown[];
      expect(list, path).toEqual([]);
      if (res.body.pagination) expect(res.body.pagination.total).toBe(0);
    }
  });

  it("answer 404 for the other site's ids, as if they did not exist", async () => {
    expect((await api.call('GET', `/api/v1/companies/${aCompany}`, { key: b.keys.read })).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/keys/${aKeyId}`, { key: b.keys.admin })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/resolve?domain=acme.com', { key: b.keys.read })).status).toBe(404);
    const filtered = await api.call('GET', `/api/v1/page-views?company_id=${aCompany}`, { key: b.keys.read });
    expect(filtered.body.pageViews).toEqual([]);
    const visitors = await api.call('GET', `/api/v1/visitors?company_id=${aCompany}`, { key: b.keys.read });
    expect(visitors.body.visitors).toEqual([]);
  });

  it("do not resolve through each other's identity data or contacts", async () => {
    const res = await api.call('GET', '/api/v1/resolve?ip=203.0.113.42', { key: b.keys.read });
    expect(res.body.company).toBeNull();
    expect(res.body.person).toBeNull();
    expect((await api.call('GET', '/api/v1/resolve?ip=203.0.113.42', { key: a.keys.read })).body.person).not.toBeNull();
  });

  it('write into their own site only: the same domain and page-view id become separate records', async () => {
    const res = await api.call('POST', '/api/v1/ingest', {
      key: b.keys.write,
      bearer: true,
      body: {
        companies: [{ domain: 'acme.com', name: 'Acme of B' }],
        pageViews: [{ id: 'shared-id', url: '/', visitorIp: '198.51.100.1', timestamp: '2025-12-15T14:33:12Z' }],
      },
    });
    expect(res.body.stats).toMatchObject({ created: 2, updated: 0, duplicates: 0 });
    await api.call('POST', '/api/v1/webhook', { headers: { 'X-Webhook-Secret': b.webhookSecret }, body: { domain: 'acme.com', industry: 'Changed by B' } });
    await api.call('PATCH', '/api/v1/settings', { key: b.keys.admin, body: { name: 'Site B', webhook: { acceptSiteKey: false } } });
    const aList = await api.call('GET', '/api/v1/companies', { key: a.keys.read });
    expect(aList.body.companies).toHaveLength(1);
    expect(aList.body.companies[0]).toMatchObject({ name: 'Acme of A', industry: '' });
    const aSettings = await api.call('GET', '/api/v1/settings', { key: a.keys.admin });
    expect(aSettings.body.webhook.acceptSiteKey).toBe(true);
    expect(aSettings.body.site.name).toBe('Test site');
  });

  it('cannot use a site key or secret to write into the other site', async () => {
    await api.call('POST', '/api/v1/webhook', { headers: { 'X-Site-Key': a.siteKey }, body: { domain: 'only-a.com' } });
    const bList = await api.call('GET', '/api/v1/companies?q=only-a', { key: b.keys.read });
    expect(bList.body.companies).toEqual([]);
  });
});
