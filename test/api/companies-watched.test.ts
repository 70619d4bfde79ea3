import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;
let other: TestSite;
const now = Date.UTC(2026, 11, 7, 12, 0, 0);
// More watched domains than one page of the watch list holds (100), so nothing can lean on reading it whole.
const targets = Array.from({ length: 130 }, (_, i) => `target${i}.com`);
const watchedTargets = targets.slice(0, 120);

beforeAll(async () => {
  api = await startApi({}, { now: () => now });
  site = api.addSite(['example.com']);
  other = api.addSite(['other.example']);
  const companies = [
    { name: 'Acme Corp', domain: 'acme.com' },
    { name: 'Acme Europe', domain: 'eu.acme.com' },
    { name: 'Notacme', domain: 'notacme.com' },
    ...targets.map((domain, i) => ({ name: `Target ${i}`, domain })),
  ];
  for (const key of [site.keys.write, other.keys.write]) {
    const res = await api.call('POST', '/api/v1/ingest', { key, bearer: true, body: { companies } });
    expect(res.body.stats.errors).toBe(0);
  }
  const bulk = await api.call('POST', '/api/dashboard/watch-list', { key: site.keys.write, body: { domains: ['acme.com', ...watchedTargets] } });
  expect(bulk.body.added).toBe(121);
  // Another site watching the rest changes nothing here.
  await api.call('POST', '/api/dashboard/watch-list', { key: other.keys.write, body: { domains: ['notacme.com', ...targets.slice(120)] } });
});
afterAll(() => api.stop());

/** Every company of one filter, page by page along the cursor. */
async function everyCompany(query: Record<string, string | number>, key = site.keys.read): Promise<{ companies: any[]; total: number }> {
  const companies: any[] = [];
  let cursor = '';
  let total = -1;
  for (;;) {
    const res = await list({ ...query, limit: 25, cursor }, key);
    expect(res.status).toBe(200);
    total = res.body.pagination.total;
    companies.push(...res.body.companies);
    cursor = res.body.pagination.nextCursor;
    if (!cursor) return { companies, total };
  }
}

const list = (query: Record<string, string | number>, key = site.keys.read) =>
  api.call('GET', `/api/v1/companies?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString()}`, { key });
const domainsOf = (companies: any[]) => companies.map((c) => c.domain).sort();

describe('GET /api/v1/companies?watched=', () => {
  it('lists exactly the companies the watch list covers, a subdomain through its parent, with the entry that covers each', async () => {
    const { companies, total } = await everyCompany({ watched: 'true' });
    expect(domainsOf(companies)).toEqual(['acme.com', 'eu.acme.com', ...watchedTargets].sort());
    expect(total).toBe(122);
    const byDomain = new Map(companies.map((c) => [c.domain, c]));
    expect(byDomain.get('eu.acme.com').watchedDomain).toBe('acme.com');
    expect(byDomain.get('target119.com').watchedDomain).toBe('target119.com');
  });

  it('lists the others with watched=false, each with a null watchedDomain, and the two lists make the whole', async () => {
    const { companies, total } = await everyCompany({ watched: 'false' });
    expect(domainsOf(companies)).toEqual(['notacme.com', ...targets.slice(120)].sort());
    expect(total).toBe(11);
    expect(companies.every((c) => c.watchedDomain === null)).toBe(true);
    const all = await everyCompany({});
    expect(all.total).toBe(133);
  });

  it('combines with the other filters and sorts, in the order asked', async () => {
    const res = await list({ watched: 'true', q: 'acme', sort: 'name' });
    expect(res.body.companies.map((c: any) => c.domain)).toEqual(['acme.com', 'eu.acme.com']);
    expect(res.body.pagination.total).toBe(2);
    const others = await list({ watched: 'false', q: 'target', sort: 'name', limit: 3 });
    expect(others.body.companies.map((c: any) => c.domain)).toEqual(['target120.com', 'target121.com', 'target122.com']);
    expect(others.body.pagination.total).toBe(10);
  });

  it("follows the watch list at once: a removed domain's companies leave the filter, an added one's join it", async () => {
    expect((await api.call('DELETE', '/api/dashboard/watch-list?domain=acme.com', { key: site.keys.write })).status).toBe(200);
    expect((await api.call('POST', '/api/dashboard/watch-list', { key: site.keys.write, body: { domain: 'eu.acme.com' } })).status).toBe(201);
    const { companies } = await everyCompany({ watched: 'true', q: 'acme' });
    expect(companies.map((c) => [c.domain, c.watchedDomain])).toEqual([['eu.acme.com', 'eu.acme.com']]);
    const { total } = await everyCompany({ watched: 'false' });
    expect(total).toBe(12);
  });

  it("shows another site's watch list nowhere: its key sees only its own", async () => {
    const { companies } = await everyCompany({ watched: 'true' }, other.keys.read);
    expect(domainsOf(companies)).toEqual(['notacme.com', ...targets.slice(120)].sort());
  });

  it('answers 400 in the error body to a value that is not true or false', async () => {
    const res = await list({ watched: 'yes' });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 400);
    expect(res.body.error.message).toContain('watched must be true or false');
  });
});
