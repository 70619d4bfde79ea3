import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Api } from './client.js';
import type { TestSite } from '../helpers/server.js';

let api: Api;
let site: TestSite;
beforeAll(async () => {
  api = await startApi();
  site = api.addSite(['example.com']);
});
afterAll(() => api.stop());

const ingestVisitor = (ip: string, userAgent: string) =>
  api.call('POST', '/api/v1/ingest', {
    key: site.keys.write,
    bearer: true,
    body: {
      visitors: [{ ip, userAgent, companyDomain: 'acme.com' }],
      pageViews: [{ url: 'https://example.com/pricing', visitorIp: ip, timestamp: new Date(Date.now() - 60_000).toISOString() }],
    },
  });

describe('ingested visitors and bots', () => {
  it("keeps the seed's visitor with a placeholder user agent visible in the visitors list", async () => {
    expect((await ingestVisitor('203.0.113.42', 'Mozilla/5.0 ...')).status).toBe(200);
    const { body } = await api.call('GET', '/api/v1/visitors', { key: site.keys.read });
    expect(body.visitors.map((v: { lastIp: string }) => v.lastIp)).toEqual(['203.0.113.42']);
  });

  it('still hides a visitor whose user agent names a crawler', async () => {
    expect((await ingestVisitor('203.0.113.43', 'Googlebot/2.1 (+http://www.google.com/bot.html)')).status).toBe(200);
    const { body } = await api.call('GET', '/api/v1/visitors', { key: site.keys.read });
    expect(body.visitors.map((v: { lastIp: string }) => v.lastIp)).toEqual(['203.0.113.42']);
  });
});
