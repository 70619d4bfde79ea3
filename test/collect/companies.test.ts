import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCidr } from '../../packages/collector/src/resolve/ip.js';
import { putIdentityRange } from '../../packages/collector/src/store/identity.js';
import { sendBeacon, startTestServer, wireId, type TestServer, type TestSite } from '../helpers/server.js';

let server: TestServer;
let site: TestSite;
const clock = Date.parse('2026-11-23T10:00:00Z');

beforeAll(async () => {
  server = await startTestServer({ env: { CLEARVIEW_TRUST_PROXY: '1' }, now: () => clock });
  site = server.addSite({ domains: ['example.com'] });
  // The site's own identity data, as POST /api/v1/ingest writes it: a /24 of Acme's office.
  const range = parseCidr('198.51.100.0/24')!;
  putIdentityRange(server.ctx.db, { siteId: site.id, lo: range.lo, hi: range.hi, prefix: 120, companyDomain: 'acmecorp.com', source: 'ingest' }, clock);
});
afterAll(() => server.stop());

type CompanyRow = {
  id: string;
  domain: string;
  name: string | null;
  industry: string | null;
  country: string | null;
  page_views: number;
  visitor_count: number;
  lead_score: number;
  score_breakdown: string;
};
const company = (domain: string) => server.ctx.db.prepare('SELECT * FROM companies WHERE site_id = ? AND domain = ?').get(site.id, domain) as CompanyRow | undefined;
const companyOf = (pvId: string) => (server.ctx.db.prepare('SELECT company_id FROM page_views WHERE pv_id = ?').get(pvId) as { company_id: string | null }).company_id;

async function visit(ip: string, path: string, visitor = wireId('v')) {
  const p = wireId('pv');
  const res = await sendBeacon(server, { k: site.siteKey, n: 'pageview', v: visitor, p, u: `https://example.com${path}` }, { ip });
  expect(res.status).toBe(202);
  return p;
}

describe('identifying companies from beacons', () => {
  it("resolves an address in the site's identity data to that company and scores it", async () => {
    const visitor = wireId('v');
    const first = await visit('198.51.100.23', '/', visitor);
    await visit('198.51.100.23', '/pricing', visitor);
    await visit('198.51.100.80', '/demo');
    const acme = company('acmecorp.com')!;
    expect(companyOf(first)).toBe(acme.id);
    expect(acme).toMatchObject({ page_views: 3, visitor_count: 2 });
    expect(acme.lead_score).toBeGreaterThan(0);
    const breakdown = JSON.parse(acme.score_breakdown) as { total: number; components: Array<{ name: string; facts: Record<string, unknown> }> };
    expect(breakdown.total).toBe(acme.lead_score);
    const intent = breakdown.components.find((c) => c.name === 'intent')!;
    expect(JSON.stringify(intent.facts)).toContain('pricing');
    expect(JSON.stringify(intent.facts)).toContain('demo');
  });

  it('resolves an address in a curated enterprise network to the company with its firmographics', async () => {
    const p = await visit('139.23.204.10', '/integrations');
    const siemens = company('siemens.com')!;
    expect(companyOf(p)).toBe(siemens.id);
    expect(siemens.name).toMatch(/Siemens/);
    expect(siemens.industry).toBeTruthy();
    expect(siemens.country).toBe('DE');
  });

  it('leaves a residential ISP address unresolved and creates no company', async () => {
    const before = (server.ctx.db.prepare('SELECT COUNT(*) AS n FROM companies').get() as { n: number }).n;
    const p = await visit('23.24.10.10', '/pricing');
    expect(companyOf(p)).toBeNull();
    expect((server.ctx.db.prepare('SELECT COUNT(*) AS n FROM companies').get() as { n: number }).n).toBe(before);
  });

  it("learns a company from an identify event's business email and resolves later visits from that address", async () => {
    const visitor = wireId('v');
    await sendBeacon(server, { k: site.siteKey, n: 'identify', v: visitor, d: { email: 'dana@globex-industries.com' } }, { ip: '203.0.113.77' });
    const p = await visit('203.0.113.77', '/security', visitor);
    expect(companyOf(p)).toBe(company('globex-industries.com')!.id);
  });

  it('never learns a company from an identify on a residential or mobile network', async () => {
    const visitor = wireId('v');
    await sendBeacon(server, { k: site.siteKey, n: 'identify', v: visitor, d: { email: 'lee@initech-systems.com' } }, { ip: '23.24.10.77' });
    const p = await visit('23.24.10.77', '/pricing', visitor);
    expect(companyOf(p)).toBeNull();
    expect(server.ctx.db.prepare('SELECT COUNT(*) AS n FROM identity_ranges WHERE company_domain = ?').get('initech-systems.com')).toEqual({ n: 0 });
  });

  it('never learns a company from a free-mail address', async () => {
    const visitor = wireId('v');
    await sendBeacon(server, { k: site.siteKey, n: 'identify', v: visitor, d: { email: 'someone@gmail.com' } }, { ip: '203.0.113.78' });
    const p = await visit('203.0.113.78', '/pricing', visitor);
    expect(companyOf(p)).toBeNull();
    expect(company('gmail.com')).toBeUndefined();
  });

  it('never counts a bot towards a company', async () => {
    const before = company('acmecorp.com')!;
    const p = wireId('pv');
    await sendBeacon(
      server.url,
      { k: site.siteKey, n: 'pageview', v: wireId('bot'), p, u: 'https://example.com/pricing' },
      { ip: '198.51.100.99', userAgent: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' },
    );
    const after = company('acmecorp.com')!;
    expect(after.page_views).toBe(before.page_views);
    expect(after.visitor_count).toBe(before.visitor_count);
    expect(after.lead_score).toBe(before.lead_score);
  });
});

describe('company logos from a URL template', () => {
  it('stores the logo URL the template gives a company first seen through a beacon', async () => {
    const logos = await startTestServer({ env: { CLEARVIEW_TRUST_PROXY: '1', CLEARVIEW_LOGO_URL_TEMPLATE: 'https://logos.example/{domain}.png' } });
    try {
      const own = logos.addSite({ domains: ['example.com'] });
      for (const path of ['/', '/pricing']) {
        const res = await sendBeacon(logos, { k: own.siteKey, n: 'pageview', v: wireId('v'), p: wireId('pv'), u: `https://example.com${path}` }, { ip: '139.23.204.10' });
        expect(res.status).toBe(202);
      }
      const row = logos.ctx.db.prepare('SELECT logo_url, page_views FROM companies WHERE site_id = ? AND domain = ?').get(own.id, 'siemens.com');
      expect(row).toEqual({ logo_url: 'https://logos.example/siemens.com.png', page_views: 2 });
    } finally {
      await logos.stop();
    }
  });
});
