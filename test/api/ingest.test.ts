import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;
let rescored: string[][];

beforeAll(async () => {
  api = await startApi();
});
beforeEach(() => {
  site = api.addSite();
  rescored = [];
  api.server.ctx.rescore = (ids) => void rescored.push([...ids]);
});
afterAll(() => api.stop());

const ingest = (body: unknown, key = site.keys.write) => api.call('POST', '/api/v1/ingest', { key, bearer: true, body });
const chrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('POST /api/v1/ingest', () => {
  it('answers the curl example of the document with created 1, updated 0, errors 0', async () => {
    // Exactly the document's curl body.
    const res = await api.call('POST', '/api/v1/ingest', {
      headers: { Authorization: `Bearer ${site.keys.write}`, 'Content-Type': 'application/json' },
      raw: '{ "companies": [ { "name": "Acme Corp", "domain": "acme.com", "industry": "Technology", "size": "51-200" } ], "visitors": [], "pageViews": [] }',
    });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.stats).toEqual({ created: 1, updated: 0, errors: 0, duplicates: 0 });
  });

  it('counts the same company sent again as updated, and the newest explicit value wins', async () => {
    await ingest({ companies: [{ name: 'Acme Corp', domain: 'acme.com', industry: 'Technology', size: '51-200' }] });
    const res = await ingest({ companies: [{ domain: 'https://www.ACME.com/', industry: 'Software' }] });
    expect(res.body.stats).toMatchObject({ created: 0, updated: 1, errors: 0 });
    const list = await api.call('GET', '/api/v1/companies', { key: site.keys.read });
    expect(list.body.companies).toHaveLength(1);
    expect(list.body.companies[0]).toMatchObject({ name: 'Acme Corp', domain: 'acme.com', industry: 'Software', size: '51-200' });
  });

  it('stores good records and lists each bad one with its collection, index and reason', async () => {
    const res = await ingest({
      companies: [{ domain: 'good.com' }, { name: 'No domain' }, { domain: 'not a domain' }, 'text', { domain: 'ok.com', employeeCount: -5 }],
      visitors: [{ ip: '999.1.1.1', companyDomain: 'good.com' }],
      pageViews: [{ url: 'pricing', visitorIp: '203.0.113.9', timestamp: '2025-12-15T14:33:12Z' }],
      contacts: [{ email: 'not-an-email' }, { email: 'sarah@good.com', firstName: 'Sarah' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.stats).toEqual({ created: 2, updated: 0, errors: 7, duplicates: 0 });
    expect(res.body.errorDetails.map((d: any) => [d.collection, d.index])).toEqual([
      ['companies', 1],
      ['companies', 2],
      ['companies', 3],
      ['companies', 4],
      ['contacts', 0],
      ['visitors', 0],
      ['pageViews', 0],
    ]);
    expect(res.body.errorDetails[0].message).toContain('domain is required');
    expect(res.body.errorDetails[3].message).toContain('employeeCount');
    expect(res.body.errorDetails[6].message).toContain('/pricing');
  });

  it('maps visitor IPs to companies so page views from them resolve, and rescores the companies', async () => {
    const res = await ingest({
      companies: [{ name: 'Acme Corp', domain: 'acme.com' }],
      visitors: [
        { ip: '203.0.113.42', userAgent: chrome, companyDomain: 'acme.com' },
        { ip: '198.51.100.0/24', companyDomain: 'initech.com', companyName: 'Initech' },
      ],
      pageViews: [
        { url: '/pricing', visitorIp: '203.0.113.42', timestamp: '2025-12-15T14:33:12Z', duration: 45 },
        {
          url: 'https://example.com/demo?utm_source=ads',
          visitorIp: '198.51.100.77',
          timestamp: '2025-12-15T14:40:00Z',
          title: 'Demo',
          referrer: 'https://www.google.com/',
        },
      ],
    });
    expect(res.body.stats).toEqual({ created: 5, updated: 0, errors: 0, duplicates: 0 });
    const views = await api.call('GET', '/api/v1/page-views', { key: site.keys.read });
    const [demo, pricing] = views.body.pageViews;
    expect(pricing).toMatchObject({
      url: '/pricing',
      path: '/pricing',
      timestamp: '2025-12-15T14:33:12Z',
      engagedSeconds: 45,
      browser: 'Chrome',
      os: 'Mac OS',
      device: 'desktop',
      isBot: false,
      source: 'ingest',
    });
    expect(demo).toMatchObject({ path: '/demo', title: 'Demo', referrer: 'https://www.google.com/', engagedSeconds: 0, browser: null });
    const companies = (await api.call('GET', '/api/v1/companies', { key: site.keys.read })).body.companies;
    const acme = companies.find((c: any) => c.domain === 'acme.com');
    const initech = companies.find((c: any) => c.domain === 'initech.com');
    expect(pricing.companyId).toBe(acme.id);
    expect(demo.companyId).toBe(initech.id);
    expect(initech).toMatchObject({ name: 'Initech', visitorCount: 1, lastSeen: '2025-12-15T14:40:00Z', firstSeen: '2025-12-15T14:40:00Z' });
    expect(new Set(rescored.flat())).toEqual(new Set([acme.id, initech.id]));
  });

  it('creates nothing twice when the same batch is sent twice', async () => {
    const batch = {
      companies: [{ domain: 'acme.com', name: 'Acme' }],
      visitors: [{ ip: '203.0.113.42', companyDomain: 'acme.com' }],
      pageViews: [
        { url: '/pricing', visitorIp: '203.0.113.42', timestamp: '2025-12-15T14:33:12Z', duration: 45 },
        { id: 'crm-view-1', url: '/docs', visitorIp: '203.0.113.42', timestamp: '2025-12-15T14:34:00Z' },
      ],
      contacts: [{ email: 'sarah@acme.com', firstName: 'Sarah' }],
    };
    const first = await ingest(batch);
    expect(first.body.stats).toEqual({ created: 5, updated: 0, errors: 0, duplicates: 0 });
    const second = await ingest(batch);
    expect(second.body.stats).toEqual({ created: 0, updated: 3, errors: 0, duplicates: 2 });
    const views = await api.call('GET', '/api/v1/page-views', { key: site.keys.read });
    expect(views.body.pagination.total).toBe(2);
    expect(views.body.pageViews.map((v: any) => v.id)).toContain('crm-view-1');
    const companies = (await api.call('GET', '/api/v1/companies', { key: site.keys.read })).body.companies;
    expect(companies[0]).toMatchObject({ visitorCount: 1 });
    const detail = await api.call('GET', `/api/v1/companies/${companies[0].id}`, { key: site.keys.read });
    expect(detail.body.company.pageViews).toBe(2);
  });

  it('upserts contacts by email and links them to their company', async () => {
    await ingest({
      companies: [{ domain: 'acme.com' }],
      contacts: [{ email: 'Sarah@Acme.com', firstName: 'Sarah', jobTitle: 'VP of Marketing', seniority: 'VP', phone: '+1 555 0100' }],
    });
    const again = await ingest({ contacts: [{ email: 'sarah@acme.com', lastName: 'Chen' }] });
    expect(again.body.collections.contacts).toEqual({ created: 0, updated: 1, errors: 0, duplicates: 0 });
    const id = (await api.call('GET', '/api/v1/companies', { key: site.keys.read })).body.companies[0].id;
    const detail = await api.call('GET', `/api/v1/companies/${id}`, { key: site.keys.read });
    expect(detail.body.contacts).toHaveLength(1);
    expect(detail.body.contacts[0]).toMatchObject({
      email: 'sarah@acme.com',
      firstName: 'Sarah',
      lastName: 'Chen',
      jobTitle: 'VP of Marketing',
      companyDomain: 'acme.com',
      source: 'ingest',
    });
  });

  it('flags page views with a crawler user agent as bots and leaves them out of lists and counts', async () => {
    await ingest({
      visitors: [{ ip: '203.0.113.50', companyDomain: 'acme.com', userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' }],
      pageViews: [{ url: '/', visitorIp: '203.0.113.50', timestamp: '2025-12-15T10:00:00Z' }],
    });
    expect((await api.call('GET', '/api/v1/page-views', { key: site.keys.read })).body.pagination.total).toBe(0);
    const withBots = await api.call('GET', '/api/v1/page-views?include_bots=true', { key: site.keys.read });
    expect(withBots.body.pageViews[0].isBot).toBe(true);
    expect((await api.call('GET', '/api/v1/visitors', { key: site.keys.read })).body.pagination.total).toBe(0);
    expect((await api.call('GET', '/api/v1/visitors?include_bots=1', { key: site.keys.read })).body.visitors[0].isBot).toBe(true);
  });

  it('answers 413 past 1000 records and past 1 MiB, and 400 to a body that is not a batch', async () => {
    const many = await ingest({ companies: Array.from({ length: 1001 }, (_, i) => ({ domain: `c${i}.com` })) });
    expect(many.status).toBe(413);
    expect(many.body.error.message).toContain('1000');
    const huge = await ingest({ companies: [{ domain: 'a.com', custom: { blob: 'x'.repeat(1_100_000) } }] });
    expect(huge.status).toBe(413);
    expectErrorShape(huge.body, 413);
    for (const body of [[], { companies: {} }, { company: [] }]) {
      const res = await ingest(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expectErrorShape(res.body, 400);
    }
    const malformed = await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, raw: '{"companies": [' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('JSON');
  });

  it('refuses a range wider than /8 and a timestamp far in the future', async () => {
    const res = await ingest({
      visitors: [{ ip: '10.0.0.0/4', companyDomain: 'acme.com' }],
      pageViews: [{ url: '/', visitorIp: '203.0.113.1', timestamp: '2999-01-01T00:00:00Z' }],
    });
    expect(res.body.stats.errors).toBe(2);
    expect(res.body.errorDetails[0].message).toContain('too broad');
  });
});
