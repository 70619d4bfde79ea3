import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendBeacon, type TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api } from './client.js';

// Issue 14, findings 4 and 5: data sent with the public site key may create and fill, never overwrite trusted data.
let api: Api;
let site: TestSite;

beforeAll(async () => {
  api = await startApi({ CLEARVIEW_RATE_LIMIT_WRITE: '5' });
});
beforeEach(() => {
  site = api.addSite();
});
afterAll(() => api.stop());

const webhook = (headers: Record<string, string>, body: unknown) =>
  api.call('POST', '/api/v1/webhook', { headers: { 'Content-Type': 'application/json', ...headers }, body });
const company = (siteId: string, domain: string) =>
  api.server.ctx.db.prepare('SELECT * FROM companies WHERE site_id = ? AND domain = ?').get(siteId, domain) as Record<string, unknown>;
const contact = (siteId: string, email: string) =>
  api.server.ctx.db.prepare('SELECT * FROM contacts WHERE site_id = ? AND email = ?').get(siteId, email) as Record<string, unknown>;

describe('trust follows the credential', () => {
  it('a webhook sent with the site key never overwrites a company field sent with the secret, but fills the empty ones', async () => {
    expect((await webhook({ 'X-Webhook-Secret': site.webhookSecret }, { domain: 'acme.com', company_name: 'Acme Corp', plan: 'gold' })).status).toBe(200);
    const forged = await webhook({ 'X-Site-Key': site.siteKey }, { domain: 'acme.com', company_name: 'Hacked Inc', industry: 'Software', plan: 'free', note: 'new' });
    expect(forged.status).toBe(200);
    const row = company(site.id, 'acme.com');
    expect(row).toMatchObject({ name: 'Acme Corp', industry: 'Software' });
    expect(JSON.parse(row.custom as string)).toEqual({ plan: 'gold', note: 'new' });
    // A trusted sender still replaces, what it sent and what the site key filled in.
    await webhook({ 'X-Webhook-Secret': site.webhookSecret }, { domain: 'acme.com', company_name: 'Acme Corporation', industry: 'Manufacturing' });
    expect(company(site.id, 'acme.com')).toMatchObject({ name: 'Acme Corporation', industry: 'Manufacturing' });
    // And once trusted, the site key cannot change it either.
    await webhook({ 'X-Site-Key': site.siteKey }, { domain: 'acme.com', industry: 'Gambling' });
    expect(company(site.id, 'acme.com')).toMatchObject({ industry: 'Manufacturing' });
  });

  it('a company created with the site key can be corrected by ingest', async () => {
    await webhook({ 'X-Site-Key': site.siteKey }, { domain: 'globex.com', company_name: 'Glob' });
    const res = await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, body: { companies: [{ domain: 'globex.com', name: 'Globex' }] } });
    expect(res.status).toBe(200);
    expect(company(site.id, 'globex.com')).toMatchObject({ name: 'Globex' });
  });

  it('refuses a javascript: logo URL from the secret with a 422 naming the field, and drops it from the site key', async () => {
    const refused = await webhook({ 'X-Webhook-Secret': site.webhookSecret }, { domain: 'initech.com', logo: 'javascript:alert(1)' });
    expect(refused.status).toBe(422);
    expectErrorShape(refused.body, 422);
    expect(refused.body.error.message).toContain('logo');
    expect(company(site.id, 'initech.com')).toBeUndefined();

    const dropped = await webhook({ 'X-Site-Key': site.siteKey }, { domain: 'initech.com', logo: 'javascript:alert(1)', linkedin: 'data:text/html,x' });
    expect(dropped.status).toBe(200);
    expect(dropped.body.notes).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'logo' }), expect.objectContaining({ field: 'linkedin' })]));
    expect(dropped.body.custom).toEqual([]);
    const row = company(site.id, 'initech.com');
    expect(row).toMatchObject({ logo_url: null, linkedin_url: null, custom: '{}' });

    const good = await webhook({ 'X-Webhook-Secret': site.webhookSecret }, { domain: 'initech.com', logo: 'https://initech.com/logo.png' });
    expect(good.status).toBe(200);
    expect(company(site.id, 'initech.com')).toMatchObject({ logo_url: 'https://initech.com/logo.png' });
  });

  it('ingest refuses a record whose URL field is not http(s), naming the field', async () => {
    const res = await api.call('POST', '/api/v1/ingest', {
      key: site.keys.write,
      bearer: true,
      body: { companies: [{ domain: 'umbrella.com', logoUrl: 'javascript:alert(1)' }], contacts: [{ email: 'al@umbrella.com', linkedinUrl: 'vbscript:x' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.stats.errors).toBe(2);
    expect(res.body.errorDetails.map((e: { message: string }) => e.message)).toEqual([expect.stringContaining('logoUrl'), expect.stringContaining('linkedinUrl')]);
    expect(company(site.id, 'umbrella.com')).toBeUndefined();
  });

  it('an identify beacon never overwrites the name, job title and phone of a contact that came from ingest', async () => {
    const email = 'sarah@acme-industries.example';
    await api.call('POST', '/api/v1/ingest', {
      key: site.keys.write,
      bearer: true,
      body: { contacts: [{ email, firstName: 'Sarah', lastName: 'Chen', jobTitle: 'VP of Marketing', phone: '+1 555 0100' }] },
    });
    const res = await sendBeacon(api.server, {
      k: site.siteKey,
      n: 'identify',
      v: 'visitor_0042',
      d: { email, firstName: 'Mallory', jobTitle: 'Intern', phone: '+1 555 9999', linkedinUrl: 'https://www.linkedin.com/in/sarah' },
    });
    expect(res.status).toBe(202);
    // Fields ingest never sent are filled in; the ones it sent stay.
    expect(contact(site.id, email)).toMatchObject({
      first_name: 'Sarah',
      last_name: 'Chen',
      job_title: 'VP of Marketing',
      phone: '+1 555 0100',
      linkedin_url: 'https://www.linkedin.com/in/sarah',
    });
  });

  it('a webhook with the site key never overwrites a contact that came from ingest', async () => {
    const email = 'bob@hooli.com';
    await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, body: { contacts: [{ email, firstName: 'Bob', jobTitle: 'CTO' }] } });
    await webhook({ 'X-Site-Key': site.siteKey }, { domain: 'hooli.com', email, first_name: 'Eve', job_title: 'Janitor', department: 'Engineering' });
    expect(contact(site.id, email)).toMatchObject({ first_name: 'Bob', job_title: 'CTO', department: 'Engineering' });
  });

  it('site-key webhook traffic cannot use up the rate limit of the secret or an API key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await webhook({ 'X-Site-Key': site.siteKey }, { domain: `junk${i}.com` })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect((await webhook({ 'X-Webhook-Secret': site.webhookSecret }, { domain: 'real.com' })).status).toBe(200);
    expect((await webhook({ 'X-Api-Key': site.keys.write }, { domain: 'real2.com' })).status).toBe(200);
  });
});
