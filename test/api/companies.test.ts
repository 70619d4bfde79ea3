import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Api } from './client.js';
import type { TestSite } from '../helpers/server.js';

let api: Api;
let site: TestSite;

beforeAll(async () => {
  api = await startApi();
  site = api.addSite(['example.com']);
  const res = await api.call('POST', '/api/v1/ingest', {
    key: site.keys.write,
    bearer: true,
    body: {
      companies: [
        { name: 'Acme Corp', domain: 'acme.com', industry: 'Technology', size: '51-200', employeeCount: 142, country: 'US', city: 'San Francisco', region: 'California', revenue: '$10M-$50M' },
        { domain: 'globex.com' },
      ],
      visitors: [{ ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', companyDomain: 'acme.com' }],
      pageViews: [
        { url: '/pricing', visitorIp: '203.0.113.42', timestamp: new Date(Date.now() - 3600_000).toISOString(), duration: 45 },
        { url: '/demo', visitorIp: '203.0.113.42', timestamp: new Date(Date.now() - 1800_000).toISOString(), duration: 120 },
      ],
    },
  });
  expect(res.status).toBe(200);
});
afterAll(() => api.stop());

describe('GET /api/v1/companies', () => {
  it('answers the documented list with all sixteen fields and pagination', async () => {
    const res = await api.call('GET', '/api/v1/companies?page=1&limit=10', { key: site.keys.read });
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 10, total: 2, pages: 1 });
    const acme = res.body.companies.find((c: any) => c.domain === 'acme.com');
    expect(acme).toMatchObject({ name: 'Acme Corp', industry: 'Technology', size: '51-200', employeeCount: 142, country: 'US', visitorCount: 1 });
    expect(Object.keys(acme)).toHaveLength(16);
  });

  it('renders unknown strings as "" and the name of a nameless company as its domain', async () => {
    const res = await api.call('GET', '/api/v1/companies', { key: site.keys.read });
    const globex = res.body.companies.find((c: any) => c.domain === 'globex.com');
    expect(globex).toMatchObject({ name: 'globex.com', industry: '', size: '', city: '', region: '', country: '', logoUrl: null, employeeCount: null, revenue: null, visitorCount: 0 });
  });
});
