import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api } from './client.js';

/**
 * Keyset paging, the extension of the documented paging: `cursor=` starts it, each answer's
 * pagination.nextCursor continues it and is null after the last page. Paged by cursor, a
 * list gives what paging by number gives; paged by number, the answer is exactly the
 * documented pagination, with no cursor in it.
 */

let api: Api;
let site: TestSite;
const now = Date.UTC(2026, 5, 1, 12, 0, 0);
const hour = 3_600_000;

beforeAll(async () => {
  api = await startApi({}, { now: () => now });
  site = api.addSite(['example.com']);
  const industries = ['Software', 'Retail', 'Finance'];
  const res = await api.call('POST', '/api/v1/ingest', {
    key: site.keys.write,
    bearer: true,
    body: {
      companies: Array.from({ length: 23 }, (_, i) => ({ name: `Company ${i % 7}`, domain: `c${i}.example`, industry: industries[i % 3], country: i % 2 ? 'US' : 'DE' })),
      visitors: Array.from({ length: 23 }, (_, i) => ({ ip: `203.0.113.${i + 1}`, companyDomain: `c${i}.example`, email: `p${i}@c${i}.example` })),
      pageViews: Array.from({ length: 40 }, (_, i) => ({
        url: `/p${i % 5}`,
        visitorIp: `203.0.113.${(i % 23) + 1}`,
        timestamp: new Date(now - (i % 9) * hour).toISOString(),
      })),
    },
  });
  expect(res.body.stats.errors).toBe(0);
  // Ties on purpose: many companies share a score.
  api.server.ctx.db.prepare('UPDATE companies SET lead_score = (CAST(substr(domain, 2, 2) AS INTEGER) % 4) * 25 WHERE site_id = ?').run(site.id);
});
afterAll(() => api.stop());

const get = (path: string) => api.call('GET', path, { key: site.keys.read });

/** Every item of a list, following nextCursor from cursor= with the given page size. */
async function byCursor(path: string, field: string, limit: number) {
  const ids: string[] = [];
  const pages: number[] = [];
  let cursor = '';
  for (let i = 0; i < 100; i++) {
    const res = await get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}&cursor=${cursor}`);
    expect(res.status).toBe(200);
    ids.push(...res.body[field].map((item: { id: string }) => item.id));
    pages.push(res.body.pagination.page);
    if (res.body.pagination.nextCursor === null) return { ids, pages, total: res.body.pagination.total };
    expect(typeof res.body.pagination.nextCursor).toBe('string');
    cursor = res.body.pagination.nextCursor;
  }
  throw new Error('no last page');
}

describe('keyset paging with cursor', () => {
  it('lists what paging by number lists, for every company order and with filters', async () => {
    for (const query of [
      '?sort=-leadScore',
      '?sort=leadScore',
      '?sort=name',
      '?sort=-lastSeen',
      '?sort=firstSeen',
      '?sort=-visitorCount',
      '?min_score=25',
      '?industry=software&sort=leadScore',
      '?q=company',
    ]) {
      const all = await get(`/api/v1/companies${query}&limit=100`);
      const paged = await byCursor(`/api/v1/companies${query}`, 'companies', 4);
      expect(paged.ids, query).toEqual(all.body.companies.map((c: { id: string }) => c.id));
      expect(paged.total).toBe(all.body.pagination.total);
      expect(paged.pages).toEqual(paged.pages.map((_, i) => i + 1));
    }
  });

  it('pages visitors, page views and contacts the same way', async () => {
    for (const [path, field] of [
      ['/api/v1/visitors', 'visitors'],
      ['/api/v1/visitors?include_bots=true', 'visitors'],
      ['/api/v1/page-views', 'pageViews'],
      ['/api/v1/page-views?since=2026-06-01T06:30:00Z', 'pageViews'],
      ['/api/v1/contacts', 'contacts'],
    ] as const) {
      const all = await get(`${path}${path.includes('?') ? '&' : '?'}limit=100`);
      const paged = await byCursor(path, field, 3);
      expect(paged.ids, path).toEqual(all.body[field].map((item: { id: string }) => item.id));
      expect(paged.total).toBe(all.body.pagination.total);
    }
  });

  it('answers paging by number exactly as documented, with no cursor', async () => {
    const res = await get('/api/v1/companies?limit=5&page=2');
    expect(Object.keys(res.body.pagination).sort()).toEqual(['limit', 'page', 'pages', 'total']);
  });

  it('refuses a cursor with page, one it did not give, and one of another list or order', async () => {
    const first = await get('/api/v1/companies?limit=2&cursor=&sort=name');
    const cursor = first.body.pagination.nextCursor as string;
    const visitors = await get('/api/v1/visitors?limit=1&cursor=');
    for (const path of [
      `/api/v1/companies?cursor=${cursor}&page=2&sort=name`,
      `/api/v1/companies?cursor=${cursor}`,
      `/api/v1/visitors?cursor=${cursor}`,
      `/api/v1/companies?cursor=${visitors.body.pagination.nextCursor}`,
      '/api/v1/companies?cursor=bm90IGEgY3Vyc29y',
      '/api/v1/page-views?cursor=%25%25',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expectErrorShape(res.body, 400);
    }
  });

  it('documents cursor on every list and nextCursor in the pagination object', async () => {
    const doc = (await api.call('GET', '/api/v1/openapi.json', { unchecked: true })).body;
    for (const path of ['/api/v1/companies', '/api/v1/visitors', '/api/v1/page-views', '/api/v1/contacts']) {
      expect(
        doc.paths[path].get.parameters.map((p: { name: string }) => p.name),
        path,
      ).toContain('cursor');
    }
    expect(Object.keys(doc.components.schemas.Pagination.properties)).toContain('nextCursor');
  });
});
