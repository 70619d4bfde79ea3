import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsHeaders, type TestSite } from '../helpers/server.js';
import { startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;
const hour = 3600_000;
const now = Date.UTC(2025, 11, 15, 15, 0, 0);
const chrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

beforeAll(async () => {
  api = await startApi({}, { now: () => now });
  site = api.addSite(['example.com']);
  const res = await api.call('POST', '/api/v1/ingest', {
    key: site.keys.write,
    bearer: true,
    body: {
      companies: [
        {
          name: 'Acme Corp',
          domain: 'acme.com',
          industry: 'Technology',
          size: '51-200',
          employeeCount: 142,
          country: 'US',
          city: 'San Francisco',
          region: 'California',
          revenue: '$10M-$50M',
          linkedinUrl: 'https://linkedin.com/company/acme',
        },
        { domain: 'globex.com' },
        { name: 'Initech', domain: 'initech.com', industry: 'Finance', country: 'de', size: '11-50' },
        { name: 'Umbrella', domain: 'umbrella.com', industry: 'technology', country: 'US' },
      ],
      visitors: [
        { ip: '203.0.113.42', userAgent: chrome, companyDomain: 'acme.com', email: 'sarah@acme.com' },
        { ip: '203.0.113.43', userAgent: chrome, companyDomain: 'initech.com' },
        { ip: '203.0.113.44', userAgent: chrome, companyDomain: 'umbrella.com' },
      ],
      contacts: [{ email: 'sarah@acme.com', firstName: 'Sarah', lastName: 'Chen' }],
      pageViews: [
        { url: '/pricing', visitorIp: '203.0.113.42', timestamp: new Date(now - 3 * hour).toISOString(), duration: 45, title: 'Pricing' },
        { url: '/demo', visitorIp: '203.0.113.42', timestamp: new Date(now - 2 * hour).toISOString(), duration: 120 },
        { url: '/pricing', visitorIp: '203.0.113.42', timestamp: new Date(now - 1 * hour).toISOString() },
        { url: '/', visitorIp: '203.0.113.43', timestamp: new Date(now - 5 * hour).toISOString() },
        { url: '/', visitorIp: '203.0.113.44', timestamp: new Date(now - 4 * hour).toISOString() },
      ],
    },
  });
  expect(res.body.stats.errors).toBe(0);
  // The score refresh runs once at start (then every minute) and recomputes any score that does
  // not follow from the company's facts: let that first run end before setting scores by hand.
  await firstScoreRefresh();
  // The scoring job is not part of the API: set scores as it would.
  const setScore = api.server.ctx.db.prepare('UPDATE companies SET lead_score = ? WHERE site_id = ? AND domain = ?');
  setScore.run(87, site.id, 'acme.com');
  setScore.run(60, site.id, 'initech.com');
  setScore.run(60, site.id, 'umbrella.com');
  setScore.run(10, site.id, 'globex.com');
  api.server.ctx.db
    .prepare('UPDATE companies SET score_breakdown = ?, scored_at = ? WHERE domain = ?')
    .run(JSON.stringify({ total: 87, components: [{ name: 'intent', points: 20, max: 25, facts: { pricing: 2 } }], model: 'v1-test' }), now, 'acme.com');
});
afterAll(() => api.stop());

/** Resolves once the collector's /metrics counts a finished score_refresh run. */
async function firstScoreRefresh() {
  for (;;) {
    const metrics = await (await fetch(`${api.url}/metrics`, { headers: metricsHeaders })).text();
    if (/^clearview_job_runs_total\{[^}]*job="score_refresh"[^}]*\} [1-9]/m.test(metrics)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const list = (query = '') => api.call('GET', `/api/v1/companies${query}`, { key: site.keys.read });
const domains = (res: { body: any }) => res.body.companies.map((c: any) => c.domain);

describe('GET /api/v1/companies', () => {
  it('answers the JavaScript example of the document: companies and pagination', async () => {
    // The document's fetch example, base URL changed.
    const response = await fetch(`${api.url}/api/v1/companies?page=1&limit=10&min_score=50`, { headers: { 'X-Api-Key': site.keys.read } });
    const data = await response.json();
    expect(data.companies.map((c: any) => `${c.name} (score: ${c.leadScore})`)).toEqual(['Acme Corp (score: 87)', 'Umbrella (score: 60)', 'Initech (score: 60)']);
    expect(`Page ${data.pagination.page} of ${data.pagination.pages}`).toBe('Page 1 of 1');
  });

  it('lists a company whose lead score equals min_score, and counts exactly the companies it lists', async () => {
    // Umbrella and Initech score exactly 60, Acme exactly 87, Globex exactly 10.
    const cases: Array<[number, string[]]> = [
      [60, ['acme.com', 'umbrella.com', 'initech.com']],
      [87, ['acme.com']],
      [88, []],
      [10, ['acme.com', 'umbrella.com', 'initech.com', 'globex.com']],
    ];
    for (const [min, expected] of cases) {
      const res = await list(`?min_score=${min}`);
      expect(domains(res), `min_score=${min}`).toEqual(expected);
      expect(res.body.pagination.total, `total for min_score=${min}`).toBe(expected.length);
    }
    // With another filter the total is counted from the matching rows rather than the per-score counts.
    const withIndustry = await list('?min_score=60&industry=technology');
    expect(domains(withIndustry)).toEqual(['acme.com', 'umbrella.com']);
    expect(withIndustry.body.pagination.total).toBe(2);
    // A page smaller than the match still reports every match in the total.
    const onePage = await list('?min_score=60&limit=1');
    expect(domains(onePage)).toEqual(['acme.com']);
    expect(onePage.body.pagination).toEqual({ page: 1, limit: 1, total: 3, pages: 3 });
  });

  it('renders the sixteen documented fields with their documented types, and watchedDomain', async () => {
    const acme = (await list('?min_score=80')).body.companies[0];
    expect(acme).toEqual({
      id: expect.stringMatching(/^comp_/),
      name: 'Acme Corp',
      domain: 'acme.com',
      industry: 'Technology',
      size: '51-200',
      city: 'San Francisco',
      region: 'California',
      country: 'US',
      logoUrl: null,
      linkedinUrl: 'https://linkedin.com/company/acme',
      employeeCount: 142,
      revenue: '$10M-$50M',
      leadScore: 87,
      firstSeen: '2025-12-15T12:00:00Z',
      lastSeen: '2025-12-15T14:00:00Z',
      visitorCount: 1,
      watchedDomain: null,
    });
  });

  it('sorts by lead score, then most recent visit, by default', async () => {
    expect(domains(await list())).toEqual(['acme.com', 'umbrella.com', 'initech.com', 'globex.com']);
  });

  it('pages through with page and limit, and answers an empty list past the last page', async () => {
    const first = await list('?limit=3');
    expect(first.body.pagination).toEqual({ page: 1, limit: 3, total: 4, pages: 2 });
    const second = await list('?limit=3&page=2');
    expect(domains(second)).toEqual(['globex.com']);
    const past = await list('?limit=3&page=9');
    expect(past.status).toBe(200);
    expect(past.body).toEqual({ companies: [], pagination: { page: 9, limit: 3, total: 4, pages: 2 } });
  });

  it('fetches every company with the pagination loop of the document', async () => {
    const apiKey = site.keys.read;
    // The document's fetchAllCompanies, base URL changed.
    async function fetchAllCompanies(key: string) {
      let allCompanies: any[] = [];
      let page = 1;
      let totalPages = 1;
      while (page <= totalPages) {
        const res = await fetch(`${api.url}/api/v1/companies?page=${page}&limit=100`, { headers: { 'X-Api-Key': key } });
        const data = await res.json();
        allCompanies = allCompanies.concat(data.companies);
        totalPages = data.pagination.pages;
        page++;
      }
      return allCompanies;
    }
    expect(await fetchAllCompanies(apiKey)).toHaveLength(4);
  });

  it('filters by name or domain, industry, country, size and time last seen', async () => {
    expect(domains(await list('?q=ACME'))).toEqual(['acme.com']);
    expect(domains(await list('?q=%25'))).toEqual([]);
    expect(domains(await list('?industry=Technology'))).toEqual(['acme.com', 'umbrella.com']);
    expect(domains(await list('?country=de'))).toEqual(['initech.com']);
    expect(domains(await list('?size=11-50'))).toEqual(['initech.com']);
    expect(domains(await list('?seen_after=2025-12-15T10:30:00Z'))).toEqual(['acme.com', 'umbrella.com']);
    expect(domains(await list('?seen_before=2025-12-15T10:30:00Z'))).toEqual(['initech.com']);
  });

  it('refuses impossible dates in the time filters rather than rolling them into the next month', async () => {
    for (const query of ['?seen_after=2025-02-30', '?seen_before=2025-04-31T10:00:00Z', '?seen_after=2025-13-01', '?seen_after=2025-00-10', '?seen_after=2023-02-29']) {
      const res = await list(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message).toContain('ISO 8601');
    }
    expect((await list('?seen_after=2024-02-29')).status).toBe(200);
  });

  it('sorts by the other documented orders', async () => {
    expect(domains(await list('?sort=name'))).toEqual(['acme.com', 'globex.com', 'initech.com', 'umbrella.com']);
    expect(domains(await list('?sort=-lastSeen'))).toEqual(['acme.com', 'umbrella.com', 'initech.com', 'globex.com']);
    expect(domains(await list('?sort=leadScore'))[0]).toBe('globex.com');
  });
});

describe('GET /api/v1/companies/{id}', () => {
  it('answers the company with its score breakdown, top pages, contacts and recent page views', async () => {
    const id = (await list('?q=acme')).body.companies[0].id;
    const res = await api.call('GET', `/api/v1/companies/${id}`, { key: site.keys.read });
    expect(res.status).toBe(200);
    expect(res.body.company).toMatchObject({ id, name: 'Acme Corp', pageViews: 3, engagedSeconds: 165, custom: {}, scoredAt: '2025-12-15T15:00:00Z' });
    expect(res.body.score).toEqual({ total: 87, components: [{ name: 'intent', points: 20, max: 25, facts: { pricing: 2 } }], model: 'v1-test' });
    expect(res.body.topPages).toEqual([
      { path: '/pricing', views: 2 },
      { path: '/demo', views: 1 },
    ]);
    expect(res.body.contacts.map((c: any) => c.email)).toEqual(['sarah@acme.com']);
    expect(res.body.recentPageViews.map((v: any) => v.path)).toEqual(['/pricing', '/demo', '/pricing']);
  });

  it('computes a breakdown with the scoring model when the scoring job has not stored one yet', async () => {
    const id = (await list('?q=initech')).body.companies[0].id;
    const res = await api.call('GET', `/api/v1/companies/${id}`, { key: site.keys.read });
    expect(res.body.score.components.map((c: any) => c.name)).toEqual(['engagement', 'intent', 'fit', 'watchlist', 'recency']);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of ['comp_doesnotexist', 'not%20an%20id', '%E0%A4%A']) {
      const res = await api.call('GET', `/api/v1/companies/${id}`, { key: site.keys.read });
      expect([400, 404], id).toContain(res.status);
    }
  });
});

describe('GET /api/v1/visitors and /api/v1/page-views', () => {
  it('list visitors, most recent first, filtered by company', async () => {
    const acme = (await list('?q=acme')).body.companies[0].id;
    const all = await api.call('GET', '/api/v1/visitors', { key: site.keys.read });
    expect(all.body.pagination.total).toBe(3);
    const res = await api.call('GET', `/api/v1/visitors?company_id=${acme}&limit=5`, { key: site.keys.read });
    expect(res.body.visitors).toHaveLength(1);
    expect(res.body.visitors[0]).toMatchObject({ companyId: acme, pageViews: 3, browser: 'Chrome', lastIp: '203.0.113.42', lastSeen: '2025-12-15T14:00:00Z' });
  });

  it('list page views newest first with since, until, company and visitor filters', async () => {
    const all = await api.call('GET', '/api/v1/page-views?limit=2', { key: site.keys.read });
    expect(all.body.pagination).toEqual({ page: 1, limit: 2, total: 5, pages: 3 });
    expect(all.body.pageViews[0]).toMatchObject({ path: '/pricing', timestamp: '2025-12-15T14:00:00Z' });
    const window = await api.call('GET', '/api/v1/page-views?since=2025-12-15T11:00:00Z&until=2025-12-15T13:00:00Z', { key: site.keys.read });
    expect(window.body.pageViews.map((v: any) => v.timestamp)).toEqual(['2025-12-15T12:00:00Z', '2025-12-15T11:00:00Z']);
    const visitorId = all.body.pageViews[0].visitorId;
    const byVisitor = await api.call('GET', `/api/v1/page-views?visitor_id=${visitorId}`, { key: site.keys.read });
    expect(byVisitor.body.pagination.total).toBe(3);
    const bad = await api.call('GET', '/api/v1/page-views?since=2025-12-16&until=2025-12-15', { key: site.keys.read });
    expect(bad.status).toBe(400);
  });
});
