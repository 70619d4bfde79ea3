import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;

beforeAll(async () => {
  api = await startApi();
});
beforeEach(() => {
  site = api.addSite();
});
afterAll(() => api.stop());

const send = (headers: Record<string, string>, body: unknown) =>
  api.call('POST', '/api/v1/webhook', { headers: { 'Content-Type': 'application/json', ...headers }, body });

describe('POST /api/v1/webhook', () => {
  it('accepts the curl example with X-Site-Key and maps its fields', async () => {
    const res = await api.call('POST', '/api/v1/webhook', {
      headers: { 'X-Site-Key': site.siteKey, 'Content-Type': 'application/json' },
      raw: '{ "company_name": "Acme Corp", "domain": "acme.com", "industry": "Technology" }',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      created: true,
      mapped: { company_name: 'company.name', domain: 'company.domain', industry: 'company.industry' },
      custom: [],
      contact: null,
    });
    const list = await api.call('GET', '/api/v1/companies', { key: site.keys.read });
    expect(list.body.companies[0]).toMatchObject({ id: res.body.companyId, name: 'Acme Corp', domain: 'acme.com', industry: 'Technology' });
  });

  it('accepts the JavaScript and Python examples with X-Webhook-Secret', async () => {
    const res = await send({ 'X-Webhook-Secret': site.webhookSecret }, { company_name: 'Acme Corp', domain: 'acme.com', industry: 'Technology' });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(true);
  });

  it('keeps unmapped fields as custom metadata on the company, merged over deliveries', async () => {
    const first = await send(
      { 'X-Webhook-Secret': site.webhookSecret },
      {
        company_name: 'Acme Corp',
        domain: 'acme.com',
        industry: 'Technology',
        employee_count: 142,
        city: 'San Francisco',
        country: 'US',
        custom_field: 'any additional data',
      },
    );
    expect(first.body.custom).toEqual(['custom_field']);
    const second = await send({ 'X-Webhook-Secret': site.webhookSecret }, { website: 'https://acme.com/', deal_stage: 'won' });
    expect(second.body.created).toBe(false);
    const detail = await api.call('GET', `/api/v1/companies/${first.body.companyId}`, { key: site.keys.read });
    expect(detail.body.company).toMatchObject({
      employeeCount: 142,
      city: 'San Francisco',
      country: 'US',
      custom: { custom_field: 'any additional data', deal_stage: 'won' },
    });
  });

  it('makes a contact from an email field', async () => {
    const res = await send(
      { 'X-Webhook-Secret': site.webhookSecret },
      { email: 'sarah@acmecorp.com', first_name: 'Sarah', last_name: 'Chen', job_title: 'VP of Marketing', company: 'Acme Corp' },
    );
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ created: true });
    const resolved = await api.call('GET', '/api/v1/resolve?domain=acmecorp.com', { key: site.keys.read });
    expect(resolved.body.contacts[0]).toMatchObject({
      firstName: 'Sarah',
      lastName: 'Chen',
      email: 'sarah@acmecorp.com',
      jobTitle: 'VP of Marketing',
      source: 'webhook',
    });
  });

  it('answers 422 when the payload names no company domain', async () => {
    const res = await send({ 'X-Webhook-Secret': site.webhookSecret }, { company_name: 'Acme Corp' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('domain');
  });

  it('answers 401 to a wrong secret or site key, and to no credentials at all', async () => {
    expect((await send({ 'X-Webhook-Secret': 'whsec_wrong' }, { domain: 'a.com' })).status).toBe(401);
    expect((await send({ 'X-Site-Key': 'site_doesnotexist1234' }, { domain: 'a.com' })).status).toBe(401);
    expect((await send({}, { domain: 'a.com' })).status).toBe(401);
  });

  it('refuses the public site key once the site requires the secret', async () => {
    const patch = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { webhook: { acceptSiteKey: false } } });
    expect(patch.body.webhook).toEqual({ acceptSiteKey: false });
    const bySiteKey = await send({ 'X-Site-Key': site.siteKey }, { domain: 'acme.com' });
    expect(bySiteKey.status).toBe(403);
    expect(bySiteKey.body.error.message).toContain('X-Webhook-Secret');
    expect((await send({ 'X-Webhook-Secret': site.webhookSecret }, { domain: 'acme.com' })).status).toBe(200);
  });

  it('lists recent deliveries with what they were mapped to', async () => {
    await send({ 'X-Site-Key': site.siteKey }, { company_name: 'Acme Corp', domain: 'acme.com', plan: 'pro' });
    const res = await api.call('GET', '/api/v1/webhook/events?limit=5', { key: site.keys.read });
    expect(res.body.events).toHaveLength(1);
    expect(res.body.events[0]).toMatchObject({
      auth: 'site_key',
      mapped: { company_name: 'company.name', domain: 'company.domain' },
      custom: ['plan'],
      payload: { plan: 'pro' },
    });
  });

  it('answers 400 to a body that is not a JSON object', async () => {
    const res = await api.call('POST', '/api/v1/webhook', { headers: { 'X-Webhook-Secret': site.webhookSecret }, raw: '[1,2]' });
    expect(res.status).toBe(400);
  });
});
