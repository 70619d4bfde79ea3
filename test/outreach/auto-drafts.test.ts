import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Api } from '../api/client.js';
import type { TestSite } from '../helpers/server.js';

let api: Api;
let site: TestSite;
let quiet: TestSite;

beforeAll(async () => {
  api = await startApi();
  site = api.addSite(['clearview.example']);
  quiet = api.addSite(['quiet.example']);
  await api.call('PATCH', '/api/v1/settings', { key: quiet.keys.admin, body: { outreach: { autoGenerate: false } } });
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

const ingestContact = async (s: TestSite, email: string) => {
  const res = await api.call('POST', '/api/v1/ingest', {
    key: s.keys.write,
    bearer: true,
    body: { contacts: [{ email, firstName: 'Sarah', lastName: 'Chen', jobTitle: 'VP of Marketing', companyDomain: 'acme.example' }] },
  });
  expect(res.status).toBe(200);
};

describe('automatic outreach drafts', () => {
  it('makes one pending draft when a contact is first identified, with its contact.identified signal', async () => {
    await ingestContact(site, 'sarah@acme.example');
    await api.server.signals.followAll();
    const signals = await api.call('GET', '/api/v1/signals?type=contact.identified', { key: site.keys.read });
    expect(signals.body.signals).toHaveLength(1);
    const drafts = await api.call('GET', '/api/dashboard/outreach', { key: site.keys.read });
    expect(drafts.status).toBe(200);
    expect(drafts.body.drafts).toHaveLength(1);
    expect(drafts.body.drafts[0]).toMatchObject({ status: 'pending', contact: { email: 'sarah@acme.example', firstName: 'Sarah' } });
    expect(drafts.body.drafts[0].body).toContain('Sarah');
  });

  it('makes none when the site turned outreach.autoGenerate off', async () => {
    await ingestContact(quiet, 'lee@acme.example');
    await api.server.signals.followAll();
    const signals = await api.call('GET', '/api/v1/signals?type=contact.identified', { key: quiet.keys.read });
    expect(signals.body.signals).toHaveLength(1);
    const drafts = await api.call('GET', '/api/dashboard/outreach?status=all', { key: quiet.keys.read });
    expect(drafts.body.drafts).toHaveLength(0);
  });
});
