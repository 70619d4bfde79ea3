import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api } from './client.js';

let api: Api;
let site: TestSite;

beforeAll(async () => {
  api = await startApi();
  site = api.addSite();
});
afterAll(() => api.stop());

describe('errors', () => {
  it('answer 404 in the error body for an unknown route', async () => {
    const res = await api.call('GET', '/api/v1/nope', { key: site.keys.read });
    expect(res.status).toBe(404);
    expectErrorShape(res.body, 404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('answer 405 with Allow for a method the path does not take', async () => {
    const res = await api.call('DELETE', '/api/v1/companies', { key: site.keys.admin });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
    const put = await api.call('PUT', '/api/v1/settings', { key: site.keys.admin, body: {} });
    expect(put.headers.get('allow')).toBe('GET, HEAD, PATCH');
  });

  it("answer 400 to malformed JSON and 413 to a body over the endpoint's limit", async () => {
    const malformed = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, raw: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toBe('Request body is not valid JSON');
    const big = await api.call('POST', '/api/v1/webhook', { headers: { 'X-Webhook-Secret': site.webhookSecret }, body: { domain: 'a.com', blob: 'x'.repeat(70_000) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answer 400 naming the parameter and what is allowed', async () => {
    const cases: Array<[string, string]> = [
      ['page=0', 'page must be a whole number from 1'],
      ['limit=500', 'limit must be a whole number from 1 to 100'],
      ['min_score=abc', 'min_score must be a whole number from 0 to 100'],
      ['min_score=101', 'min_score must be a whole number from 0 to 100'],
      ['minScore=50', 'Unknown query parameter "minScore"; allowed: page, limit, min_score'],
      ['page=1&page=2', 'given more than once'],
      ['sort=score', 'sort must be one of -leadScore'],
      ['seen_after=yesterday', 'seen_after must be an ISO 8601 date'],
      ['country=USA', 'country must be an ISO 3166-1 alpha-2 code'],
    ];
    for (const [query, message] of cases) {
      const res = await api.call('GET', `/api/v1/companies?${query}`, { key: site.keys.read });
      expect(res.status, query).toBe(400);
      expect(res.body.error.message, query).toContain(message);
      expect(res.body.details.length, query).toBeGreaterThan(0);
    }
  });

  it('answer 500 with a plain message and no internals when something unexpected fails, and log the real error', async () => {
    const logged: unknown[] = [];
    const { resolver, logger } = api.server.ctx;
    const original = resolver.resolve.bind(resolver);
    const originalError = logger.error;
    resolver.resolve = () => {
      throw new Error('SQLITE_CORRUPT: secret internals at /var/lib/clearview.db');
    };
    logger.error = (obj: unknown) => void logged.push(obj);
    try {
      const res = await api.call('GET', '/api/v1/resolve?ip=203.0.113.1', { key: site.keys.read });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected server error', status: 500 } });
      expect(logged).toHaveLength(1);
    } finally {
      resolver.resolve = original;
      logger.error = originalError;
    }
  });

  it('answer OPTIONS with the allowed methods', async () => {
    const res = await fetch(`${api.url}/api/v1/keys`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('serve /docs, and the renderer it loads from node_modules, under a strict Content-Security-Policy', async () => {
    const page = await fetch(`${api.url}/docs`);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<script src="/docs/docs.js" defer></script>');
    // Scripts and styles come from the collector itself (links in the credits may point out).
    expect(html.match(/<(script|link)[^>]*>/g)!.join('\n')).not.toMatch(/https?:\/\//);
    const script = await fetch(`${api.url}/docs/docs.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("url: '/api/v1/openapi.json'");
    const renderer = await fetch(`${api.url}/docs/swagger-ui-bundle.js`);
    expect(renderer.status).toBe(200);
    expect(renderer.headers.get('content-type')).toMatch(/javascript/);
  });
});
