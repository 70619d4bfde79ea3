import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../../packages/collector/src/alerts/signal.js';
import { parseCidr } from '../../packages/collector/src/resolve/ip.js';
import { putIdentityRange } from '../../packages/collector/src/store/identity.js';
import { expectErrorShape, startApi, type Api } from '../api/client.js';
import { sendBeacon, wireId, type TestSite } from '../helpers/server.js';
import { countMismatches } from '../store/count-checks.js';

let api: Api;
let site: TestSite;
let other: TestSite;
const t0 = Date.parse('2026-12-07T09:00:00Z');
let clock = t0;
const minute = 60_000;
/** What the outbox hook was called with, in order: the signals stored as new. */
const outbox: Signal[] = [];
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

beforeAll(async () => {
  api = await startApi({ CLEARVIEW_TRUST_PROXY: '1' }, { now: () => clock, outboxWriters: [(_db, signal) => outbox.push(signal)] });
  site = api.addSite(['example.com']);
  other = api.addSite(['other.example']);
  for (const [cidr, domain] of [
    ['198.51.100.0/24', 'acme.com'],
    ['203.0.113.0/24', 'globex.com'],
  ] as const) {
    const range = parseCidr(cidr)!;
    putIdentityRange(api.server.ctx.db, { siteId: site.id, lo: range.lo, hi: range.hi, prefix: 120, companyDomain: domain, source: 'ingest' }, clock);
  }
});
afterAll(() => api.stop());

async function view(ip: string, path: string, title: string, visitor = 'v_acme_1') {
  const res = await sendBeacon(api.server, { k: site.siteKey, n: 'pageview', v: visitor, p: wireId('pv'), u: `https://example.com${path}`, t: title }, { ip });
  expect(res.status).toBe(202);
}
const follow = () => api.server.signals.followAll();
const signals = async (query = '', key = site.keys.read) => {
  const res = await api.call('GET', `/api/v1/signals${query}`, { key });
  expect(res.status).toBe(200);
  return res.body as { signals: any[]; pagination: any };
};
const sent = (type: string, domain?: string) => outbox.filter((s) => s.type === type && (domain === undefined || s.company?.domain === domain));

describe('watchlist.hit', () => {
  it('makes a twenty-page visit one signal and one outbox call, listing all twenty pages, completed once the visit is over', async () => {
    await api.call('POST', '/api/dashboard/watch-list', { key: site.keys.write, body: { domain: 'acme.com', notes: 'Enterprise deal' } });
    const start = clock;
    for (let i = 1; i <= 20; i++) {
      await view('198.51.100.7', `/page-${i}`, `Page ${i}`);
      // The follower runs between pages too: later pages are added to the signal it made.
      if (i % 7 === 0) await follow();
      if (i < 20) clock += minute;
    }
    await follow();
    expect(sent('watchlist.hit')).toHaveLength(1);
    const list = await signals('?type=watchlist.hit');
    expect(list.signals).toHaveLength(1);
    const hit = list.signals[0];
    expect(hit.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(hit.id).toBe(sent('watchlist.hit')[0]!.id);
    expect(hit.company).toMatchObject({ domain: 'acme.com' });
    expect(hit.data.pages).toHaveLength(20);
    expect(hit.data.pages[0]).toEqual({ url: 'https://example.com/page-1', title: 'Page 1', at: iso(start) });
    expect(hit.data.pages[19]).toEqual({ url: 'https://example.com/page-20', title: 'Page 20', at: iso(start + 19 * minute) });
    expect(hit.data.watchList).toEqual({ domain: 'acme.com', companyName: null, notes: 'Enterprise deal' });
    expect(hit.summary).toBe('acme.com, on your watch list, is on the site: 20 pages viewed.');
    expect(hit.completedAt).toBeNull();

    clock += 30 * minute;
    await follow();
    expect((await signals('?type=watchlist.hit')).signals[0].completedAt).toBeNull();
    clock += 1 * minute;
    await follow();
    const done = await api.call('GET', `/api/v1/signals/${hit.id}`, { key: site.keys.read });
    expect(done.body.completedAt).toBe(iso(start + 19 * minute));
    expect(done.body.data.pages).toHaveLength(20);
  });

  it('starts a second signal, and a second outbox call, for a page 31 minutes after the last', async () => {
    const before = (await signals('?type=watchlist.hit')).signals[0];
    await view('198.51.100.7', '/pricing', 'Pricing');
    await follow();
    expect(sent('watchlist.hit')).toHaveLength(2);
    const list = await signals('?type=watchlist.hit');
    expect(list.signals.map((s) => s.id)).toEqual([sent('watchlist.hit')[1]!.id, before.id]);
    expect(list.signals[0].data.pages).toEqual([{ url: 'https://example.com/pricing', title: 'Pricing', at: iso(clock) }]);
  });

  it('never fires for a company not on the watch list, nor for a bot', async () => {
    await view('203.0.113.9', '/', 'Home', 'v_globex');
    await sendBeacon(
      api.server,
      { k: site.siteKey, n: 'pageview', v: 'v_bot', p: wireId('pv'), u: 'https://example.com/' },
      { ip: '198.51.100.8', userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
    );
    await follow();
    expect(sent('watchlist.hit')).toHaveLength(2);
  });
});

describe('company.identified', () => {
  it('is raised once per company, on its first page view', async () => {
    clock += minute;
    await view('203.0.113.9', '/about', 'About', 'v_globex');
    await follow();
    expect(sent('company.identified').map((s) => s.company!.domain)).toEqual(['acme.com', 'globex.com']);
    const globex = (await signals('?type=company.identified&domain=https://www.globex.com')).signals;
    expect(globex).toHaveLength(1);
    expect(globex[0].summary).toBe('globex.com visited the site for the first time.');
    expect(globex[0].data.page).toMatchObject({ url: 'https://example.com/', title: 'Home' });
  });
});

describe('lead.hot', () => {
  it('fires when a score reaches minScore and again only after it fell 5 below', async () => {
    const db = api.server.ctx.db;
    db.prepare("INSERT INTO companies (id, site_id, domain, name, created_at, updated_at) VALUES ('comp_hot1', ?, 'initech.com', 'Initech', ?, ?)").run(
      site.id,
      clock,
      clock,
    );
    const setScore = db.prepare("UPDATE companies SET lead_score = ? WHERE id = 'comp_hot1'");
    const fired: number[] = [];
    for (const score of [60, 70, 66, 72, 65, 64, 69, 71, 90]) {
      setScore.run(score);
      const before = sent('lead.hot', 'initech.com').length;
      await follow();
      if (sent('lead.hot', 'initech.com').length > before) fired.push(score);
    }
    expect(fired).toEqual([70, 71]);
    const hot = (await signals('?type=lead.hot&company_id=comp_hot1')).signals;
    expect(hot.map((s) => s.data.score)).toEqual([71, 70]);
    expect(hot[0]).toMatchObject({ summary: 'Initech (initech.com) reached a lead score of 71 (alerts at 70).', completedAt: iso(clock) });
  });

  it('follows alerts.minScore', async () => {
    await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { alerts: { minScore: 95 } } });
    api.server.ctx.db.prepare("UPDATE companies SET lead_score = 50 WHERE id = 'comp_hot1'").run();
    await follow();
    api.server.ctx.db.prepare("UPDATE companies SET lead_score = 94 WHERE id = 'comp_hot1'").run();
    await follow();
    expect(sent('lead.hot', 'initech.com')).toHaveLength(2);
    api.server.ctx.db.prepare("UPDATE companies SET lead_score = 96 WHERE id = 'comp_hot1'").run();
    await follow();
    expect(sent('lead.hot', 'initech.com')).toHaveLength(3);
  });
});

describe('contact.identified', () => {
  it('is raised once for a person first known through an identify beacon, ingest or the webhook', async () => {
    await sendBeacon(
      api.server,
      { k: site.siteKey, n: 'identify', v: 'v_acme_1', d: { email: 'sarah@acme.com', firstName: 'Sarah', lastName: 'Chen' } },
      { ip: '198.51.100.7' },
    );
    const ingest = await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, body: { contacts: [{ email: 'lee@globex.com', jobTitle: 'CTO' }] } });
    expect(ingest.status).toBe(200);
    const hook = await api.call('POST', '/api/v1/webhook', { headers: { 'X-Site-Key': site.siteKey }, body: { email: 'dana@initech.com', first_name: 'Dana' } });
    expect(hook.status).toBe(200);
    // Known already: sent again, no second signal.
    await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, body: { contacts: [{ email: 'sarah@acme.com', jobTitle: 'VP' }] } });
    await follow();
    const contacts = sent('contact.identified');
    expect(contacts.map((s) => [s.contact!.email, s.data.source, s.company?.domain ?? null])).toEqual([
      ['sarah@acme.com', 'identify', 'acme.com'],
      ['lee@globex.com', 'ingest', 'globex.com'],
      ['dana@initech.com', 'webhook', 'initech.com'],
    ]);
    expect(contacts[0]!.summary).toBe('Sarah Chen (sarah@acme.com) of acme.com is now known.');
    expect((await signals('?type=contact.identified')).pagination.total).toBe(3);
  });

  it('erases the signals that name a person when the person is erased', async () => {
    const dana = sent('contact.identified').find((s) => s.contact!.email === 'dana@initech.com')!;
    const erased = await api.call('DELETE', `/api/v1/contacts/${dana.contact!.id}`, { key: site.keys.write });
    expect(erased.status).toBe(200);
    expect((await api.call('GET', `/api/v1/signals/${dana.id}`, { key: site.keys.read })).status).toBe(404);
    expect((await signals('?type=contact.identified')).pagination.total).toBe(2);
  });
});

describe('GET /api/v1/signals', () => {
  it('filters by type, domain, company and completion time, and pages newest first', async () => {
    const all = await signals('?limit=100');
    expect(all.pagination.total).toBe(all.signals.length);
    const created = all.signals.map((s) => s.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    const pages = await signals('?limit=2&page=2');
    expect(pages.signals.map((s) => s.id)).toEqual(all.signals.slice(2, 4).map((s) => s.id));
    expect(pages.pagination).toEqual({ page: 2, limit: 2, total: all.pagination.total, pages: Math.ceil(all.pagination.total / 2) });
    const acme = await signals('?domain=acme.com&limit=100');
    expect(new Set(acme.signals.map((s) => s.company.domain))).toEqual(new Set(['acme.com']));
    const firstVisitEnd = iso(t0 + 19 * minute);
    const completed = await signals(`?type=watchlist.hit&completed_after=${firstVisitEnd}&completed_before=${firstVisitEnd}`);
    expect(completed.signals.map((s) => s.completedAt)).toEqual([firstVisitEnd]);
    const bad = await api.call('GET', '/api/v1/signals?type=page.viewed', { key: site.keys.read });
    expect(bad.status).toBe(400);
    expectErrorShape(bad.body, 400);
  });

  it("never shows another site's signals", async () => {
    const mine = (await signals()).signals[0];
    expect((await signals('', other.keys.read)).pagination.total).toBe(0);
    const res = await api.call('GET', `/api/v1/signals/${mine.id}`, { key: other.keys.read });
    expect(res.status).toBe(404);
    expectErrorShape(res.body, 404);
    expect((await api.call('GET', '/api/v1/signals/not-a-uuid', { key: site.keys.read })).status).toBe(404);
  });

  it('keeps every kept count equal to COUNT(*) of its rows after all of the above', () => {
    expect(countMismatches(api.server.ctx.db)).toEqual([]);
  });
});
