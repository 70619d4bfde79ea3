import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;

beforeAll(async () => {
  api = await startApi();
  site = api.addSite();
  const res = await api.call('POST', '/api/v1/ingest', {
    key: site.keys.write,
    bearer: true,
    body: {
      companies: [{ name: 'Acme Corp', domain: 'acmecorp.com', industry: 'Technology', employeeCount: 500, revenue: '$50M - $100M' }],
      visitors: [
        { ip: '203.0.113.42', companyDomain: 'acmecorp.com', email: 'sarah@acmecorp.com' },
        { ip: '198.51.100.0/24', companyDomain: 'acmecorp.com' },
      ],
      contacts: [
        {
          email: 'sarah@acmecorp.com',
          firstName: 'Sarah',
          lastName: 'Chen',
          jobTitle: 'VP of Marketing',
          seniority: 'VP',
          linkedinUrl: 'https://linkedin.com/in/sarahchen',
        },
      ],
      pageViews: [{ url: '/pricing', visitorIp: '198.51.100.7', timestamp: '2025-12-15T14:33:12Z', duration: 30 }],
    },
  });
  expect(res.body.stats.errors).toBe(0);
});
afterAll(() => api.stop());

const resolve = (query: string) => api.call('GET', `/api/v1/resolve?${query}`, { key: site.keys.read, bearer: true });

describe('GET /api/v1/resolve', () => {
  it('resolves an IP to the company and person of the document example', async () => {
    const res = await resolve('ip=203.0.113.42');
    expect(res.status).toBe(200);
    expect(res.body.company).toMatchObject({ name: 'Acme Corp', domain: 'acmecorp.com', industry: 'Technology', employeeCount: 500, revenue: '$50M - $100M' });
    expect(res.body.person).toMatchObject({
      firstName: 'Sarah',
      lastName: 'Chen',
      businessEmail: 'sarah@acmecorp.com',
      jobTitle: 'VP of Marketing',
      seniority: 'VP',
      linkedinUrl: 'https://linkedin.com/in/sarahchen',
    });
    expect(res.body.person.upId).toMatch(/^ct_/);
    expect(res.body.isBot).toBe(false);
    expect(res.body.reason).toBe('identity');
  });

  it('resolves an address inside an ingested range to the company, with no person', async () => {
    const res = await resolve('ip=198.51.100.200');
    expect(res.body.company.domain).toBe('acmecorp.com');
    expect(res.body.person).toBeNull();
  });

  it('answers company null for an address that resolves to no company', async () => {
    const res = await resolve('ip=192.168.1.10');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ company: null, person: null, isBot: false });
  });

  it('says isBot for an address whose last visitor was flagged as a bot', async () => {
    await api.call('POST', '/api/v1/ingest', {
      key: site.keys.write,
      bearer: true,
      body: {
        visitors: [{ ip: '203.0.113.99', companyDomain: 'crawler-owner.com', userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' }],
        pageViews: [{ url: '/', visitorIp: '203.0.113.99', timestamp: '2025-12-15T10:00:00Z' }],
      },
    });
    const res = await resolve('ip=203.0.113.99');
    expect(res.body).toMatchObject({ isBot: true, company: { domain: 'crawler-owner.com' } });
  });

  it('looks a domain up with its score, page views, visitors and contacts', async () => {
    const res = await resolve('domain=acmecorp.com');
    expect(res.status).toBe(200);
    expect(res.body.company).toMatchObject({ name: 'Acme Corp', domain: 'acmecorp.com', leadScore: 0, pageViews: 1, visitorCount: 1 });
    expect(res.body.contacts.map((c: any) => c.email)).toEqual(['sarah@acmecorp.com']);
    expect(res.body.visitors).toHaveLength(1);
  });

  it('answers 404 for a domain the site does not know', async () => {
    const res = await resolve('domain=unknown-company.com');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 400 to both parameters, neither, or an invalid value', async () => {
    for (const query of ['ip=203.0.113.42&domain=acmecorp.com', '', 'ip=300.1.1.1', 'ip=', 'domain=not a domain', 'ip=203.0.113.42&ip=1.2.3.4', 'email=x@y.com']) {
      const res = await resolve(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
  });
});
