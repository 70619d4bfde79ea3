import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../packages/collector/src/api/rate-limit.js';
import type { TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;
// Twenty seconds into a minute: the window ends 40 s later.
let clock = Date.UTC(2025, 11, 15, 14, 33, 20);

beforeAll(async () => {
  api = await startApi({ CLEARVIEW_RATE_LIMIT_READ: '5', CLEARVIEW_RATE_LIMIT_WRITE: '3', CLEARVIEW_RATE_LIMIT_INGEST: '2' }, { now: () => clock });
  site = api.addSite();
});
afterAll(() => api.stop());

describe('rate limits', () => {
  it('put X-RateLimit-Limit, -Remaining and -Reset on every authenticated answer, errors included', async () => {
    const ok = await api.call('GET', '/api/v1/companies', { key: site.keys.read });
    expect(ok.headers.get('x-ratelimit-limit')).toBe('5');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(ok.headers.get('x-ratelimit-reset')).toBe(String(Date.UTC(2025, 11, 15, 14, 34, 0) / 1000));
    const bad = await api.call('GET', '/api/v1/companies?page=0', { key: site.keys.read });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-ratelimit-remaining')).toBe('3');
  });

  it('answer 429 with Retry-After past the limit, per key and class, and let requests through in the next window', async () => {
    for (let i = 0; i < 3; i++) expect((await api.call('GET', '/api/v1/visitors', { key: site.keys.read })).status).toBe(200);
    const refused = await api.call('GET', '/api/v1/companies', { key: site.keys.read });
    expect(refused.status).toBe(429);
    expectErrorShape(refused.body, 429);
    expect(refused.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    // Another key of the same site has its own bucket.
    expect((await api.call('GET', '/api/v1/companies', { key: site.keys.write })).status).toBe(200);
    clock += 40_000;
    const next = await api.call('GET', '/api/v1/companies', { key: site.keys.read });
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-remaining')).toBe('4');
  });

  it('count ingest against its own limit of the ingest class', async () => {
    const ingest = () => api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, body: { companies: [] } });
    expect((await ingest()).headers.get('x-ratelimit-limit')).toBe('2');
    expect((await ingest()).status).toBe(200);
    expect((await ingest()).status).toBe(429);
    // Reads by the same key are another class.
    expect((await api.call('GET', '/api/v1/companies', { key: site.keys.write })).status).toBe(200);
  });

  it('count the webhook per site and credential class as a write endpoint', async () => {
    const hook = (headers: Record<string, string>) => api.call('POST', '/api/v1/webhook', { headers, body: { domain: 'acme.com' } });
    expect((await hook({ 'X-Site-Key': site.siteKey })).headers.get('x-ratelimit-limit')).toBe('3');
    expect((await hook({ 'X-Site-Key': site.siteKey })).status).toBe(200);
    expect((await hook({ 'X-Site-Key': site.siteKey })).status).toBe(200);
    const refused = await hook({ 'X-Site-Key': site.siteKey });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The public site key's traffic does not count against the secret's or a key's senders.
    expect((await hook({ 'X-Webhook-Secret': site.webhookSecret })).status).toBe(200);
    expect((await api.call('POST', '/api/v1/webhook', { key: site.keys.write, body: { domain: 'acme.com' } })).status).toBe(200);
  });

  it('put no rate-limit headers on answers to requests without valid credentials', async () => {
    const res = await api.call('GET', '/api/v1/companies');
    expect(res.status).toBe(401);
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('the fixed-window limiter', () => {
  it('is off at limit 0 and does not count refused requests', () => {
    let t = 0;
    const limiter = createRateLimiter(() => t);
    expect(limiter.hit('k', 0)).toBeNull();
    expect(limiter.hit('k', 1)).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 60, retryAfterSeconds: 60 });
    t = 59_500;
    expect(limiter.hit('k', 1)).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    t = 60_000;
    expect(limiter.hit('k', 1)).toMatchObject({ allowed: true, resetSeconds: 120 });
  });
});
