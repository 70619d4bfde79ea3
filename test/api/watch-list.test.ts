import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;
let other: TestSite;
const now = Date.UTC(2026, 11, 7, 12, 0, 0);
const path = '/api/dashboard/watch-list';

beforeAll(async () => {
  api = await startApi({}, { now: () => now });
  site = api.addSite(['example.com']);
  other = api.addSite(['other.example']);
  const res = await api.call('POST', '/api/v1/ingest', {
    key: site.keys.write,
    bearer: true,
    body: {
      companies: [
        { name: 'Acme Corp', domain: 'acme.com' },
        { name: 'Acme Europe', domain: 'eu.acme.com' },
      ],
      visitors: [
        { ip: '203.0.113.42', companyDomain: 'acme.com' },
        { ip: '203.0.113.43', companyDomain: 'eu.acme.com' },
      ],
      pageViews: [
        { url: '/pricing', visitorIp: '203.0.113.42', timestamp: new Date(now - 60_000).toISOString() },
        { url: '/pricing', visitorIp: '203.0.113.43', timestamp: new Date(now - 60_000).toISOString() },
      ],
    },
  });
  expect(res.body.stats.errors).toBe(0);
});
afterAll(() => api.stop());

const companyNamed = async (domain: string) => {
  const list = await api.call('GET', '/api/v1/companies', { key: site.keys.read });
  const id = list.body.companies.find((c: any) => c.domain === domain).id;
  return (await api.call('GET', `/api/v1/companies/${id}`, { key: site.keys.read })).body;
};
const watchedComponent = (detail: any) => detail.score.components.find((c: any) => c.name === 'watchlist');

describe('the watch list', () => {
  it('adds one normalised domain (201), refuses it again (409), and lists it with its company', async () => {
    const res = await api.call('POST', path, {
      key: site.keys.write,
      body: { domain: ' https://WWW.Acme.com/about ', companyName: 'Acme', notes: 'Key target account' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ domain: 'acme.com', companyName: 'Acme', notes: 'Key target account', addedAt: '2026-12-07T12:00:00Z' });
    expect(res.body.company).toMatchObject({ name: 'Acme Corp' });
    const again = await api.call('POST', path, { key: site.keys.write, body: { domain: 'acme.com' } });
    expect(again.status).toBe(409);
    expectErrorShape(again.body, 409);
    expect(again.body.error.code).toBe('CONFLICT');
    const list = await api.call('GET', path, { key: site.keys.read });
    expect(list.body.watchList).toHaveLength(1);
    expect(list.body.pagination).toEqual({ page: 1, limit: 20, total: 1, pages: 1 });
  });

  it('rescores the company and its subdomains at once with the watch-list bonus, and takes it away on removal', async () => {
    for (const domain of ['acme.com', 'eu.acme.com']) expect(watchedComponent(await companyNamed(domain)).facts).toEqual({ watched: true });
    const removed = await api.call('DELETE', `${path}?domain=acme.com`, { key: site.keys.write });
    expect(removed.body).toEqual({ removed: 1 });
    for (const domain of ['acme.com', 'eu.acme.com']) expect(watchedComponent(await companyNamed(domain)).facts).toEqual({ watched: false });
    await api.call('POST', path, { key: site.keys.write, body: { domain: 'acme.com', companyName: 'Acme' } });
    const acme = await companyNamed('acme.com');
    expect(watchedComponent(acme)).toMatchObject({ points: 10, facts: { watched: true } });
    expect(acme.company.leadScore).toBe(acme.score.total);
  });

  it('adds in bulk, counting what was added and skipped, listing what is invalid with its reason', async () => {
    const res = await api.call('POST', path, {
      key: site.keys.write,
      body: { domains: ['google.com', 'microsoft.com', 'GOOGLE.com', 'acme.com', 'co.uk', '127.0.0.1', 'localhost', 42, 'apple.com'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      added: 3,
      skipped: 2,
      invalid: [
        { value: 'co.uk', reason: 'public_suffix' },
        { value: '127.0.0.1', reason: 'ip_address' },
        { value: 'localhost', reason: 'single_label' },
        { value: '42', reason: 'not_a_string' },
      ],
    });
    const list = await api.call('GET', `${path}?limit=2&page=2`, { key: site.keys.read });
    expect(list.body.pagination).toEqual({ page: 2, limit: 2, total: 4, pages: 2 });
    const search = await api.call('GET', `${path}?q=MICRO`, { key: site.keys.read });
    expect(search.body.watchList.map((e: any) => e.domain)).toEqual(['microsoft.com']);
    expect(search.body.watchList[0].company).toBeNull();
  });

  it('answers 413 past 10,000 domains, and 400 to both forms in one body', async () => {
    const many = await api.call('POST', path, { key: site.keys.write, body: { domains: Array.from({ length: 10_001 }, (_, i) => `d${i}.com`) } });
    expect(many.status).toBe(413);
    expectErrorShape(many.body, 413);
    const both = await api.call('POST', path, { key: site.keys.write, body: { domain: 'a.com', domains: ['b.com'] } });
    expect(both.status).toBe(400);
    expectErrorShape(both.body, 400);
    const invalid = await api.call('POST', path, { key: site.keys.write, body: { domain: 'co.uk' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.message).toContain('public suffix');
  });

  it('changes notes and company name with PATCH, and answers 404 for a domain not watched', async () => {
    const res = await api.call('PATCH', path, { key: site.keys.write, body: { domain: 'www.google.com', notes: 'Demo in March' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ domain: 'google.com', companyName: null, notes: 'Demo in March' });
    const named = await api.call('PATCH', path, { key: site.keys.write, body: { domain: 'google.com', companyName: 'Google' } });
    expect(named.body).toMatchObject({ companyName: 'Google', notes: 'Demo in March' });
    const missing = await api.call('PATCH', path, { key: site.keys.write, body: { domain: 'initech.com', notes: 'x' } });
    expect(missing.status).toBe(404);
    expectErrorShape(missing.body, 404);
    const tooLong = await api.call('PATCH', path, { key: site.keys.write, body: { domain: 'google.com', notes: 'x'.repeat(2001) } });
    expect(tooLong.status).toBe(422);
  });

  it('removes with the domain in the body, answers 404 for one not watched and 400 without a domain', async () => {
    expect((await api.call('DELETE', path, { key: site.keys.write, body: { domain: 'apple.com' } })).body).toEqual({ removed: 1 });
    const again = await api.call('DELETE', path, { key: site.keys.write, body: { domain: 'apple.com' } });
    expect(again.status).toBe(404);
    expect((await api.call('DELETE', path, { key: site.keys.write })).status).toBe(400);
  });

  it('lets read keys list and only write keys change', async () => {
    expect((await api.call('GET', path, { key: site.keys.read })).status).toBe(200);
    for (const [method, body] of [
      ['POST', { domain: 'initech.com' }],
      ['PATCH', { domain: 'google.com', notes: 'x' }],
      ['DELETE', { domain: 'google.com' }],
    ] as const) {
      const res = await api.call(method, path, { key: site.keys.read, body });
      expect(res.status, method).toBe(403);
      expectErrorShape(res.body, 403);
    }
    expect((await api.call('GET', path)).status).toBe(401);
  });

  it("never shows or changes another site's entries", async () => {
    const list = await api.call('GET', path, { key: other.keys.read });
    expect(list.body.watchList).toEqual([]);
    expect(list.body.pagination.total).toBe(0);
    expect((await api.call('PATCH', path, { key: other.keys.write, body: { domain: 'google.com', notes: 'x' } })).status).toBe(404);
    expect((await api.call('DELETE', `${path}?domain=google.com`, { key: other.keys.write })).status).toBe(404);
    expect((await api.call('POST', path, { key: other.keys.write, body: { domain: 'google.com' } })).status).toBe(201);
    expect((await api.call('GET', path, { key: site.keys.read })).body.watchList.find((e: any) => e.domain === 'google.com').notes).toBe('Demo in March');
  });
});
