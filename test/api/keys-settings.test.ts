import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultScoringModel } from '../../packages/collector/src/score/model.js';
import type { TestSite } from '../helpers/server.js';
import { startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;

beforeAll(async () => {
  api = await startApi();
});
beforeEach(() => {
  site = api.addSite(['example.com']);
});
afterAll(() => api.stop());

describe('API keys', () => {
  it('creates a key shown once, which works at once with its permission', async () => {
    const created = await api.call('POST', '/api/v1/keys', { key: site.keys.admin, body: { label: 'Production Backend', permission: 'write' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/keys/${created.body.id}`);
    expect(created.body).toMatchObject({ label: 'Production Backend', permission: 'write', revokedAt: null });
    expect(created.body.key).toMatch(/^cv_live_[A-Za-z0-9]{32}$/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 12));
    const ingest = await api.call('POST', '/api/v1/ingest', { key: created.body.key, bearer: true, body: { companies: [{ domain: 'acme.com' }] } });
    expect(ingest.status).toBe(200);
    const list = await api.call('GET', '/api/v1/keys', { key: site.keys.admin });
    expect(list.body.keys.map((k: any) => k.label).sort()).toEqual(['Production Backend', 'admin key', 'read key', 'write key']);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
  });

  it('revokes a key so that its very next request answers 401', async () => {
    const id = (await api.call('GET', '/api/v1/keys', { key: site.keys.admin })).body.keys.find((k: any) => k.permission === 'read').id;
    expect((await api.call('GET', '/api/v1/companies', { key: site.keys.read })).status).toBe(200);
    const revoked = await api.call('DELETE', `/api/v1/keys/${id}`, { key: site.keys.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await api.call('GET', '/api/v1/companies', { key: site.keys.read })).status).toBe(401);
    // Revoking again answers the key unchanged.
    expect((await api.call('DELETE', `/api/v1/keys/${id}`, { key: site.keys.admin })).body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('refuses to revoke the last active admin key', async () => {
    const id = (await api.call('GET', '/api/v1/keys', { key: site.keys.admin })).body.keys.find((k: any) => k.permission === 'admin').id;
    const res = await api.call('DELETE', `/api/v1/keys/${id}`, { key: site.keys.admin });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
  });

  it('answers 422 with every problem for an invalid new key, and 404 for an unknown id', async () => {
    const res = await api.call('POST', '/api/v1/keys', { key: site.keys.admin, body: { label: '', permission: 'owner' } });
    expect(res.status).toBe(422);
    expect(res.body.details.map((d: any) => d.field)).toEqual(['label', 'permission']);
    expect(res.body.error.message).toContain('read, write, admin');
    expect((await api.call('DELETE', '/api/v1/keys/key_doesnotexist', { key: site.keys.admin })).status).toBe(404);
  });
});

describe('site settings', () => {
  it('answers domains, the scoring model, alerts and the webhook policy', async () => {
    const res = await api.call('GET', '/api/v1/settings', { key: site.keys.admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ site: { id: site.id, siteKey: site.siteKey }, domains: ['example.com'], webhook: { acceptSiteKey: true } });
    expect(res.body.scoring).toEqual(JSON.parse(JSON.stringify(defaultScoringModel)));
    expect(res.body.alerts).toEqual({
      minScore: 70,
      dedupeMinutes: 30,
      slack: { webhookUrl: null, events: ['watchlist.hit', 'lead.hot'] },
      email: { recipients: [], events: ['watchlist.hit', 'lead.hot'] },
    });
  });

  it('changes the domains and clears the site cache so beacons from them count at once', async () => {
    let cleared = 0;
    const clear = api.server.ctx.siteCache.clear.bind(api.server.ctx.siteCache);
    api.server.ctx.siteCache.clear = () => {
      cleared += 1;
      clear();
    };
    const res = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { domains: ['https://www.Example.org/', 'shop.example.com'] } });
    api.server.ctx.siteCache.clear = clear;
    expect(res.status).toBe(200);
    expect(res.body.domains).toEqual(['example.org', 'shop.example.com']);
    expect(cleared).toBe(1);
  });

  it('merges a scoring change (intent pages, ideal-customer profile) and rescores every company of the site', async () => {
    await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, body: { companies: [{ domain: 'a.com' }, { domain: 'b.com' }] } });
    const rescored: string[] = [];
    const rescore = api.server.ctx.rescore;
    api.server.ctx.rescore = (ids) => void rescored.push(...ids);
    const res = await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: { scoring: { intent: { patterns: [{ name: 'pricing', paths: ['/pricing*'], weight: 15 }] }, fit: { icp: { industries: ['Software'], countries: ['US'] } } } },
    });
    api.server.ctx.rescore = rescore;
    expect(res.status).toBe(200);
    expect(res.body.scoring.intent).toEqual({ cap: defaultScoringModel.intent.cap, patterns: [{ name: 'pricing', paths: ['/pricing*'], weight: 15 }] });
    expect(res.body.scoring.fit.icp).toEqual({ industries: ['Software'], sizes: [], countries: ['US'] });
    expect(rescored).toHaveLength(2);
    expect((await api.call('GET', '/api/v1/settings', { key: site.keys.admin })).body.scoring.fit.icp.countries).toEqual(['US']);
  });

  it('sets alert channels', async () => {
    const res = await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: { alerts: { minScore: 80, slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X' }, email: { recipients: ['sales@example.com'] } } },
    });
    expect(res.body.alerts).toEqual({
      minScore: 80,
      dedupeMinutes: 30,
      slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X', events: ['watchlist.hit', 'lead.hot'] },
      email: { recipients: ['sales@example.com'], events: ['watchlist.hit', 'lead.hot'] },
    });
  });

  it('sets the visit gap and the events each channel sends, keeping the fields not given', async () => {
    await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: { alerts: { minScore: 80, slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X' }, email: { recipients: ['sales@example.com'] } } },
    });
    const res = await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: { alerts: { dedupeMinutes: 45, slack: { events: ['watchlist.hit', 'contact.identified'] }, email: { events: [] } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.alerts).toMatchObject({
      minScore: 80,
      dedupeMinutes: 45,
      slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X', events: ['watchlist.hit', 'contact.identified'] },
      email: { recipients: ['sales@example.com'], events: [] },
    });
  });

  it('answers 422 to an unknown event type or a visit gap out of range', async () => {
    const res = await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: { alerts: { dedupeMinutes: 0, slack: { events: ['watchlist.hit', 'page.viewed'] }, email: { events: ['lead.hot', 'lead.hot'] } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.details.map((d: any) => d.field).sort()).toEqual(['alerts.dedupeMinutes', 'alerts.email.events', 'alerts.slack.events.1']);
    expect((await api.call('GET', '/api/v1/settings', { key: site.keys.admin })).body.alerts.dedupeMinutes).toBe(30);
  });

  it('answers 422 listing each invalid value, and changes nothing', async () => {
    const res = await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: { domains: [], scoring: { recency: { halfLife: 3 } }, alerts: { minScore: 300 }, webhook: { acceptSiteKey: 'no' } },
    });
    expect(res.status).toBe(422);
    expect(res.body.details.map((d: any) => d.field).sort()).toEqual(['alerts.minScore', 'domains', 'scoring.recency.halfLife', 'webhook.acceptSiteKey']);
    const bad = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { domains: ['not a domain'] } });
    expect(bad.status).toBe(422);
    expect((await api.call('GET', '/api/v1/settings', { key: site.keys.admin })).body.domains).toEqual(['example.com']);
  });
});

describe('scoring settings end to end', () => {
  it('rescore companies with the new ideal-customer profile, visible in the list at once', async () => {
    const recent = new Date(Date.now() - 60_000).toISOString();
    await api.call('POST', '/api/v1/ingest', {
      key: site.keys.write,
      bearer: true,
      body: {
        companies: [{ domain: 'acme.com', name: 'Acme', industry: 'Software', country: 'US' }],
        visitors: [{ ip: '203.0.113.42', companyDomain: 'acme.com' }],
        pageViews: [{ url: '/pricing', visitorIp: '203.0.113.42', timestamp: recent, duration: 120 }],
      },
    });
    const before = (await api.call('GET', '/api/v1/companies', { key: site.keys.read })).body.companies[0].leadScore;
    expect(before).toBeGreaterThan(0);
    await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { scoring: { fit: { icp: { industries: ['Software'], countries: ['US'] } } } } });
    const after = (await api.call('GET', '/api/v1/companies', { key: site.keys.read })).body.companies[0].leadScore;
    expect(after).toBeGreaterThan(before);
    const id = (await api.call('GET', '/api/v1/companies', { key: site.keys.read })).body.companies[0].id;
    const detail = await api.call('GET', `/api/v1/companies/${id}`, { key: site.keys.read });
    expect(detail.body.score.total).toBe(after);
  });
});
