import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeSiteKey } from '../../packages/collector/src/store/sites.js';
import { listSaltDays } from '../../packages/collector/src/store/visitor-salts.js';
import { chromeUa, metricsHeaders, sendBeacon, startTestServer, wireId, type TestServer, type TestSite } from '../helpers/server.js';

let server: TestServer;
let site: TestSite;
let clock = Date.parse('2026-11-23T10:00:00Z');

beforeAll(async () => {
  server = await startTestServer({ env: { CLEARVIEW_TRUST_PROXY: '1' }, now: () => clock });
  site = server.addSite({ domains: ['example.com'] });
});
afterAll(() => server.stop());

const pageview = (overrides: Record<string, unknown> = {}) => ({
  k: site.siteKey,
  n: 'pageview',
  v: 'visitor_0001',
  p: wireId('pv'),
  u: 'https://www.example.com/pricing?utm_source=news&utm_medium=email&plan=pro',
  r: 'https://www.google.com/search?q=clearview',
  t: 'Pricing',
  w: 1440,
  ...overrides,
});

type Row = Record<string, unknown>;
const pageViewRow = (pvId: string) => server.ctx.db.prepare('SELECT * FROM page_views WHERE pv_id = ?').get(pvId) as Row | undefined;

describe('the beacon path', () => {
  it('stores a page view with every derived field and answers 202 with an empty body', async () => {
    const body = pageview();
    const res = await sendBeacon(server, body, { ip: '198.51.100.7' });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const row = pageViewRow(body.p)!;
    expect(row).toMatchObject({
      site_id: site.id,
      visitor_id: 'visitor_0001',
      url: 'https://www.example.com/pricing?utm_source=news&utm_medium=email&plan=pro',
      path: '/pricing',
      query: 'utm_source=news&utm_medium=email&plan=pro',
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: null,
      referrer_domain: 'google.com',
      title: 'Pricing',
      screen_width: 1440,
      ip: '198.51.100.7',
      browser: 'Chrome',
      os: 'Mac OS',
      device: 'desktop',
      is_bot: 0,
      ts: clock,
      source: 'tracker',
    });
    expect(typeof row.session_id).toBe('string');
  });

  it('reads campaign fields whatever their spelling in the query, and none from a page without them', async () => {
    const tagged = pageview({ u: 'https://www.example.com/?utm%5Fcampaign=launch&ref=utm%5Fterm' });
    const plain = pageview({ u: 'https://www.example.com/docs?page=2' });
    await sendBeacon(server, tagged);
    await sendBeacon(server, plain);
    expect(pageViewRow(tagged.p)).toMatchObject({ utm_source: null, utm_campaign: 'launch', utm_term: null });
    expect(pageViewRow(plain.p)).toMatchObject({ query: 'page=2', utm_source: null, utm_medium: null, utm_campaign: null, utm_term: null, utm_content: null });
  });

  it('answers a beacon with Allow-Origin only: the other CORS headers belong to the preflight', async () => {
    const res = await sendBeacon(server, pageview());
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('accepts application/json bodies from server-side integrations', async () => {
    const body = pageview();
    const res = await sendBeacon(server, body, { contentType: 'application/json' });
    expect(res.status).toBe(202);
    expect(pageViewRow(body.p)).toBeDefined();
  });

  it('stores a repeated page-view id once and names the drop in a header', async () => {
    const body = pageview();
    expect((await sendBeacon(server, body)).status).toBe(202);
    const again = await sendBeacon(server, body);
    expect(again.status).toBe(202);
    expect(again.headers.get('x-clearview-dropped')).toBe('duplicate_page_view');
    const count = server.ctx.db.prepare('SELECT COUNT(*) AS n FROM page_views WHERE pv_id = ?').get(body.p) as { n: number };
    expect(count.n).toBe(1);
  });

  it("adds engagement events to their page view's engaged duration", async () => {
    const body = pageview();
    await sendBeacon(server, body);
    for (const e of [1200, 3400]) {
      const res = await sendBeacon(server, { k: site.siteKey, n: 'engagement', v: body.v, p: body.p, u: body.u, e });
      expect(res.status).toBe(202);
    }
    expect(pageViewRow(body.p)!.engaged_ms).toBe(4600);
  });

  it('keeps engagement for a page view it never saw instead of losing it', async () => {
    const pvId = wireId('ghost');
    const res = await sendBeacon(server, { k: site.siteKey, n: 'engagement', p: pvId, u: 'https://example.com/', e: 500 });
    expect(res.status).toBe(202);
    expect(server.ctx.db.prepare('SELECT ms FROM orphan_engagements WHERE pv_id = ?').get(pvId)).toEqual({ ms: 500 });
  });

  it('passes when the page host is a subdomain of a registered domain', async () => {
    const body = pageview({ u: 'https://docs.example.com/start' });
    expect((await sendBeacon(server, body)).status).toBe(202);
  });

  it('drops an event when the page host is not one of the site domains', async () => {
    const res = await sendBeacon(server, pageview({ u: 'https://evil-example.com/' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('x-clearview-dropped')).toBe('domain_not_allowed');
    expect((await res.json()).error).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('drops an event when the site key is unknown', async () => {
    const res = await sendBeacon(server, pageview({ k: 'site_doesnotexist000000' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('x-clearview-dropped')).toBe('unknown_site_key');
  });

  it('drops an event when the site key is revoked', async () => {
    const other = server.addSite({ domains: ['example.com'] });
    revokeSiteKey(server.ctx.db, other.id);
    server.ctx.siteCache.clear();
    const res = await sendBeacon(server, pageview({ k: other.siteKey }));
    expect(res.status).toBe(403);
    expect(res.headers.get('x-clearview-dropped')).toBe('site_key_revoked');
  });

  it('counts drops by reason in the metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`, { headers: metricsHeaders })).text();
    expect(text).toMatch(/clearview_events_dropped_total\{reason="unknown_site_key"\} [1-9]/);
    expect(text).toMatch(/clearview_events_dropped_total\{reason="overloaded"\} 0/);
    expect(text).toMatch(/clearview_events_accepted_total\{event="pageview"\} [1-9]/);
    expect(text).toContain('clearview_batch_size_bucket');
    expect(text).toContain('clearview_commit_seconds_bucket');
    expect(text).toMatch(/clearview_queue_depth 0/);
    const networkSeconds = /clearview_collect_step_seconds_total\{step="addNetwork"\} (\S+)/.exec(text)?.[1];
    expect(Number(networkSeconds)).toBeGreaterThan(0);
    expect(text).toMatch(/clearview_bot_events_total [0-9]/);
  });

  it("derives the same visitor id for the day when the beacon has none, and keeps only today's salt", async () => {
    const a = pageview({ v: undefined });
    const b = pageview({ v: undefined });
    const c = pageview({ v: undefined });
    await sendBeacon(server, a, { ip: '198.51.100.20' });
    await sendBeacon(server, b, { ip: '198.51.100.20' });
    await sendBeacon(server, c, { ip: '198.51.100.21' });
    const ids = [a, b, c].map((e) => pageViewRow(e.p)!.visitor_id as string);
    expect(ids[0]).toMatch(/^d_20261123_[A-Za-z0-9_-]{22}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(listSaltDays(server.ctx.db)).toEqual(['2026-11-23']);

    clock += 24 * 3600 * 1000;
    const nextDay = pageview({ v: undefined });
    await sendBeacon(server, nextDay, { ip: '198.51.100.20' });
    expect(pageViewRow(nextDay.p)!.visitor_id).not.toBe(ids[0]);
    expect(listSaltDays(server.ctx.db)).toEqual(['2026-11-24']);
  });

  it('starts a new session after 30 minutes of inactivity', async () => {
    const v = wireId('sess');
    const first = pageview({ v });
    const second = pageview({ v });
    const third = pageview({ v });
    await sendBeacon(server, first);
    clock += 29 * 60 * 1000;
    await sendBeacon(server, second);
    clock += 31 * 60 * 1000;
    await sendBeacon(server, third);
    const sessions = [first, second, third].map((e) => pageViewRow(e.p)!.session_id);
    expect(sessions[1]).toBe(sessions[0]);
    expect(sessions[2]).not.toBe(sessions[1]);
    const visitor = server.ctx.db.prepare('SELECT session_count, page_views FROM visitors WHERE site_id = ? AND id = ?').get(site.id, v);
    expect(visitor).toEqual({ session_count: 2, page_views: 3 });
  });

  it('stores bots flagged, answers them 202 and never counts them as visitors', async () => {
    const body = pageview({ v: wireId('bot') });
    const res = await sendBeacon(server, body, { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
    expect(res.status).toBe(202);
    expect(pageViewRow(body.p)!.is_bot).toBe(1);
    const headless = pageview({ v: wireId('bot') });
    await sendBeacon(server, headless, { userAgent: chromeUa.replace('Chrome/', 'HeadlessChrome/') });
    expect(pageViewRow(headless.p)!.is_bot).toBe(1);
  });

  it('never stores an X-Forwarded-For entry that is not an IP address', async () => {
    const body = pageview({ v: wireId('xff') });
    const res = await sendBeacon(server, body, { ip: `<script>alert(1)</script>${'x'.repeat(12 * 1024)}` });
    expect(res.status).toBe(202);
    expect(pageViewRow(body.p)).toMatchObject({ ip: '127.0.0.1' });
  });

  it('upserts a contact on identify and links the visitor to it', async () => {
    const v = wireId('who');
    await sendBeacon(server, pageview({ v }));
    const traits = { email: 'Sarah.Chen@Acme-Industries.example', firstName: 'Sarah', lastName: 'Chen', jobTitle: 'VP of Marketing' };
    expect((await sendBeacon(server, { k: site.siteKey, n: 'identify', v, d: traits })).status).toBe(202);
    expect((await sendBeacon(server, { k: site.siteKey, n: 'identify', v, d: { email: traits.email, jobTitle: 'CMO' } })).status).toBe(202);
    const contacts = server.ctx.db.prepare('SELECT * FROM contacts WHERE site_id = ?').all(site.id) as Row[];
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ email: 'sarah.chen@acme-industries.example', first_name: 'Sarah', last_name: 'Chen', job_title: 'CMO' });
    const visitor = server.ctx.db.prepare('SELECT contact_id FROM visitors WHERE site_id = ? AND id = ?').get(site.id, v) as Row;
    expect(visitor.contact_id).toBe(contacts[0]!.id);
  });

  it('answers a CORS preflight for integrations that post JSON', async () => {
    const res = await fetch(`${server.url}/api/v1/collect`, { method: 'OPTIONS', headers: { Origin: 'https://example.com', 'Access-Control-Request-Method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });
});

describe('bad beacons', () => {
  const cases: Array<[string, () => unknown, number, RegExp]> = [
    ['a body that is not JSON', () => 'not json', 400, /JSON object/],
    ['a JSON array', () => '[]', 400, /JSON object/],
    ['an unknown event name', () => pageview({ n: 'click' }), 400, /"n"/],
    ['a missing site key', () => pageview({ k: undefined }), 400, /"k"/],
    ['a wrong-typed screen width', () => pageview({ w: '1440' }), 400, /"w"/],
    ['a non-http URL', () => pageview({ u: 'javascript:alert(1)' }), 400, /"u".*http/],
    ['a relative URL', () => pageview({ u: '/pricing' }), 400, /"u"/],
    ['control characters in the title', () => pageview({ t: 'Pri\u0000cing' }), 400, /control characters/],
    ['a page-view id out of the alphabet', () => pageview({ p: 'short' }), 400, /"p"/],
    ['a field the event does not have', () => pageview({ x: 1 }), 400, /"x" is not a field/],
    ['an absurd engaged time', () => ({ k: site.siteKey, n: 'engagement', p: wireId('pv'), u: 'https://example.com/', e: 90_000_000 }), 400, /"e"/],
    ['a negative engaged time', () => ({ k: site.siteKey, n: 'engagement', p: wireId('pv'), u: 'https://example.com/', e: -5 }), 400, /"e"/],
    ['an identify without an email', () => ({ k: site.siteKey, n: 'identify', v: 'visitor_0001', d: { firstName: 'A' } }), 400, /"d.email"/],
    ['a URL over 2,048 characters', () => pageview({ u: `https://example.com/${'a'.repeat(2100)}` }), 400, /2048/],
  ];
  for (const [what, body, status, message] of cases) {
    it(`refuses ${what} with a ${status} in the documented error shape`, async () => {
      const res = await sendBeacon(server, body());
      expect(res.status).toBe(status);
      const json = (await res.json()) as { error: { code: string; message: string; status: number } };
      expect(json.error.status).toBe(status);
      expect(json.error.code).toBe('BAD_REQUEST');
      expect(json.error.message).toMatch(message);
    });
  }

  it('refuses a body over 8 KB with 413', async () => {
    const res = await sendBeacon(server, pageview({ t: 'x'.repeat(9000) }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a content type other than text/plain or JSON with 415', async () => {
    const res = await sendBeacon(server, pageview(), { contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
  });

  it('refuses other methods with 405 and an Allow header', async () => {
    const res = await fetch(`${server.url}/api/v1/collect`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await res.json()).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('never writes a row for a refused beacon', async () => {
    const before = (server.ctx.db.prepare('SELECT COUNT(*) AS n FROM page_views').get() as { n: number }).n;
    await sendBeacon(server, pageview({ u: 'ftp://example.com/' }));
    await sendBeacon(server, pageview({ k: 'site_unknownunknown00' }));
    expect((server.ctx.db.prepare('SELECT COUNT(*) AS n FROM page_views').get() as { n: number }).n).toBe(before);
  });
});
