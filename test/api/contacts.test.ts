import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;
let other: TestSite;

beforeAll(async () => {
  api = await startApi();
  site = api.addSite();
  other = api.addSite();
  const res = await api.call('POST', '/api/v1/ingest', {
    key: site.keys.write,
    bearer: true,
    body: {
      visitors: [{ ip: '203.0.113.42', companyDomain: 'acme.com', email: 'sarah@acme.com' }],
      contacts: [
        { email: 'sarah@acme.com', firstName: 'Sarah', lastName: 'Chen' },
        { email: 'tom_b@initech.com', firstName: 'Tom' },
        { email: 'ann@gmail.com', firstName: 'Ann' },
      ],
    },
  });
  expect(res.body.stats.errors).toBe(0);
});
afterAll(() => api.stop());

const list = (query = '', key = site.keys.read) => api.call('GET', `/api/v1/contacts${query}`, { key });

describe('contacts', () => {
  it('list every contact of the site with pagination, filtered by company domain, text and source', async () => {
    expect((await list()).body.pagination.total).toBe(3);
    expect((await list('?company_domain=https://www.acme.com')).body.contacts.map((c: any) => c.email)).toEqual(['sarah@acme.com']);
    expect((await list('?q=_b')).body.contacts.map((c: any) => c.email)).toEqual(['tom_b@initech.com']);
    expect((await list('?q=ANN')).body.contacts[0].companyDomain).toBeNull();
    expect((await list('?source=webhook')).body.contacts).toEqual([]);
    expect((await list('', other.keys.read)).body.contacts).toEqual([]);
  });

  it('search the starts of the words of the email and the names, every word of q, case- and accent-insensitively', async () => {
    const emails = async (q: string) => (await list(`?q=${encodeURIComponent(q)}`)).body.contacts.map((c: any) => c.email);
    expect(await emails('che')).toEqual(['sarah@acme.com']);
    expect(await emails('INIT')).toEqual(['tom_b@initech.com']);
    expect(await emails('sarah ch')).toEqual(['sarah@acme.com']);
    expect(await emails('sarah tom')).toEqual([]);
    expect(await emails('arah')).toEqual([]);
    expect(await emails('Ánn')).toEqual(['ann@gmail.com']);
    expect(await emails('--')).toEqual([]);
    expect((await list('?q=sarah', other.keys.read)).body.contacts).toEqual([]);
  });

  it('get one contact by the upId that /resolve answers, and 404 for another site', async () => {
    const person = (await api.call('GET', '/api/v1/resolve?ip=203.0.113.42', { key: site.keys.read })).body.person;
    const res = await api.call('GET', `/api/v1/contacts/${person.upId}`, { key: site.keys.read });
    expect(res.body).toMatchObject({ id: person.upId, email: 'sarah@acme.com', firstName: 'Sarah', lastName: 'Chen' });
    expect((await api.call('GET', `/api/v1/contacts/${person.upId}`, { key: other.keys.read })).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/contacts/${person.upId}`, { key: other.keys.write })).status).toBe(404);
  });

  it('erase a contact so that it is gone everywhere, and answer 404 the second time', async () => {
    const person = (await api.call('GET', '/api/v1/resolve?ip=203.0.113.42', { key: site.keys.read })).body.person;
    const res = await api.call('DELETE', `/api/v1/contacts/${person.upId}`, { key: site.keys.write });
    expect(res.body).toEqual({ id: person.upId, deleted: true });
    expect((await api.call('GET', '/api/v1/resolve?ip=203.0.113.42', { key: site.keys.read })).body.person).toBeNull();
    expect((await list('?company_domain=acme.com')).body.contacts).toEqual([]);
    expect((await list('?q=sarah')).body).toMatchObject({ contacts: [], pagination: { total: 0 } });
    expect((await api.call('DELETE', `/api/v1/contacts/${person.upId}`, { key: site.keys.write })).status).toBe(404);
  });
});
