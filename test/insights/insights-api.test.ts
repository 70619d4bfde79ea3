import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildInsights } from '../../packages/collector/src/jobs/insight-rollups.js';
import { SliceSizer } from '../../packages/collector/src/jobs/slice-sizer.js';
import { startApi, type Api } from '../api/client.js';
import type { TestSite } from '../helpers/server.js';
import { expectedInsights, makeDataset, type Dataset, type SentCompany, type SentPageView } from './model.js';

// After the US clock change of 2026-03-08, so 30 and 365 days reach across it (and the one of November).
const now = Date.parse('2026-03-20T17:07:31Z');
const botUa = 'Googlebot/2.1 (+http://www.google.com/bot.html)';
const browserUa = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let api: Api;
let site: TestSite;
let data: Dataset;
let companies: SentCompany[];

async function ingest(body: Record<string, unknown>): Promise<void> {
  const res = await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function sendPageViews(pageViews: SentPageView[]): Promise<void> {
  for (let i = 0; i < pageViews.length; i += 1000) {
    await ingest({
      pageViews: pageViews.slice(i, i + 1000).map((pv) => ({
        url: pv.path,
        visitorIp: pv.ip,
        timestamp: new Date(pv.ts).toISOString(),
        title: pv.title,
        userAgent: pv.bot ? botUa : browserUa,
        ...(pv.referrer ? { referrer: pv.referrer } : {}),
      })),
    });
  }
}

/** Waits until the follower has read every stored page view and queued change. */
async function caughtUp(): Promise<void> {
  await api.server.settled();
  const db = api.server.ctx.db;
  for (let i = 0; i < 400; i++) {
    const last = db.prepare('SELECT last_id FROM insight_progress').pluck().get() as number;
    const newest = (db.prepare('SELECT max(id) FROM page_view_rows').pluck().get() as number | null) ?? 0;
    const queued = db.prepare('SELECT count(*) FROM insight_changes').pluck().get() as number;
    if (last >= newest && queued === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the insight follower did not catch up');
}

async function scores(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let page = 1; ; page++) {
    const res = await api.call('GET', `/api/v1/companies?limit=100&page=${page}`, { key: site.keys.read });
    for (const c of res.body.companies as Array<{ domain: string; leadScore: number }>) out.set(c.domain, c.leadScore);
    if (page >= res.body.pagination.pages) return out;
  }
}

async function insights(query: string) {
  const res = await api.call('GET', `/api/dashboard/insights${query}`, { key: site.keys.read });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function expectMatches(days: number, tz: string, options: { companyOf?: (pv: SentPageView) => string | null } = {}) {
  await caughtUp();
  const expected = expectedInsights(data, { now, days, tz, scores: await scores(), companies, siteDomains: ['example.com'], ...options });
  const body = await insights(`?days=${days}&tz=${encodeURIComponent(tz)}`);
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  expect(body.period).toEqual({ from: iso(expected.from), to: iso(now), days, tz });
  expect(body.dayOfWeekActivity).toEqual(expected.dayOfWeekActivity);
  expect(body.topIndustries).toEqual(expected.topIndustries);
  expect(body.companySizeBreakdown).toEqual(expected.companySizeBreakdown);
  expect(body.topReferrers).toEqual(expected.topReferrers);
  expect(body.topPagesByScore).toEqual(expected.topPagesByScore);
}

beforeAll(async () => {
  api = await startApi({ CLEARVIEW_INSIGHTS_EVERY_MS: '20' }, { now: () => now });
  site = api.addSite(['example.com']);
  data = makeDataset(7, now, 400, 2500);
  companies = data.companies.map((c) => ({ ...c }));
  await ingest({
    companies: companies.map((c) => ({ domain: c.domain, name: c.name, ...(c.industry ? { industry: c.industry } : {}), ...(c.size ? { size: c.size } : {}) })),
  });
  const visitors = [...data.ips].filter(([, domain]) => domain !== null).map(([ip, domain]) => ({ ip, companyDomain: domain }));
  for (let i = 0; i < visitors.length; i += 1000) await ingest({ visitors: visitors.slice(i, i + 1000) });
  await sendPageViews(data.pageViews);
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('GET /api/dashboard/insights', () => {
  for (const tz of ['America/Los_Angeles', 'Asia/Kolkata', 'Asia/Kathmandu', 'UTC']) {
    for (const days of [1, 7, 30, 365]) {
      it(`answers what the raw page views say for the last ${days} days in ${tz}`, async () => {
        await expectMatches(days, tz);
      });
    }
  }

  it('counts days in the site timezone setting when the request names no zone', async () => {
    const set = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { timezone: 'Asia/Kathmandu' } });
    expect(set.status).toBe(200);
    expect(set.body.timezone).toBe('Asia/Kathmandu');
    const body = await insights('');
    expect(body.period.tz).toBe('Asia/Kathmandu');
    expect(body.period.days).toBe(30);
    const explicit = await insights('?days=30&tz=Asia/Kathmandu');
    expect(body).toEqual(explicit);
    await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { timezone: 'UTC' } });
  });

  it('counts a referrer only where its session starts, followed and rebuilt in slices of one page view', async () => {
    // Each visitor's page views in the order sent: the second of a session is no visit
    // however it was referred; one after a 30-minute gap starts a new session, and is one.
    const sent: SentPageView[] = [
      { ip: '192.0.100.1', path: '/pricing', title: 'pricing | Test site', ts: now - 3 * 3_600_000, referrer: null, bot: false },
      {
        ip: '192.0.100.1',
        path: '/demo',
        title: 'demo | Test site',
        ts: now - 3 * 3_600_000 + 60_000,
        referrer: 'https://www.linkedin.com/feed',
        bot: false,
        continuesSession: true,
      },
      { ip: '192.0.100.2', path: '/', title: 'Home | Test site', ts: now - 5 * 3_600_000, referrer: null, bot: false },
      { ip: '192.0.100.2', path: '/docs', title: 'docs | Test site', ts: now - 2 * 3_600_000, referrer: 'https://www.linkedin.com/feed', bot: false },
    ];
    for (const pv of sent) data.ips.set(pv.ip, null);
    for (const pv of sent) await sendPageViews([pv]);
    data.pageViews.push(...sent);
    await expectMatches(7, 'Asia/Kathmandu');
    // One page view a slice: a session's earlier page view is always in an earlier slice.
    expect(await rebuildInsights(api.server.ctx.db, site.id, { sizer: new SliceSizer({ targetMs: Infinity, min: 1, max: 1, start: 1 }) })).toBe(
      data.pageViews.filter((pv) => !pv.bot).length,
    );
    for (const [days, tz] of [
      [7, 'Asia/Kathmandu'],
      [30, 'America/Los_Angeles'],
      [365, 'Asia/Kolkata'],
    ] as const)
      await expectMatches(days, tz);
  });

  it('counts a page view at the first instant of a local day on that day, and one a millisecond before on the day before', async () => {
    // Kathmandu is +05:45 all year: its days start at 18:15 UTC.
    const start = Date.parse('2026-03-17T00:00:00+05:45');
    const sent: SentPageView[] = [
      { ip: '192.0.101.1', path: '/pricing', title: 'pricing | Test site', ts: start, referrer: null, bot: false },
      { ip: '192.0.101.2', path: '/pricing', title: 'pricing | Test site', ts: start - 1, referrer: null, bot: false },
    ];
    for (const pv of sent) data.ips.set(pv.ip, null);
    await sendPageViews(sent);
    data.pageViews.push(...sent);
    await expectMatches(7, 'Asia/Kathmandu');
  });

  it('shows a company under the industry ingest gives it, at once', async () => {
    // Counted under its old industry first, so the change must move what the rollups hold.
    await caughtUp();
    const target = companies.find((c) => c.industry === 'Software') ?? companies[0]!;
    target.industry = 'Aerospace';
    await ingest({ companies: [{ domain: target.domain, industry: 'Aerospace' }] });
    await expectMatches(30, 'America/Los_Angeles');
    await expectMatches(365, 'Asia/Kolkata');
  });

  it('ends a rebuild a company at a time, while a page view and a re-typed company arrive between its steps', async () => {
    await caughtUp();
    const db = api.server.ctx.db;
    const numOf = (domain: string) => db.prepare('SELECT num FROM companies WHERE domain = ? AND site_id = ?').pluck().get(domain, site.id) as number;
    const seenIps = [...data.ips].filter((entry): entry is [string, string] => entry[1] !== null && companies.some((c) => c.domain === entry[1]));
    // The page view's company is finished last, so the follower counts it before its step;
    // the re-typed company is finished first, so the trigger moves marks the rebuild made.
    const [ip, domain] = seenIps.reduce((a, b) => (numOf(b[1]) > numOf(a[1]) ? b : a));
    const retyped = companies.reduce((a, b) => (numOf(b.domain) < numOf(a.domain) ? b : a));
    expect(retyped.domain).not.toBe(domain);
    const before = data.pageViews.filter((pv) => !pv.bot).length;
    let steps = 0;
    const counted = await rebuildInsights(db, site.id, {
      finishSizer: new SliceSizer({ targetMs: Infinity, min: 1, max: 1, start: 1 }),
      onSlice: async (_rows, _ms, step) => {
        if (step !== 'finish' || steps++ !== 1) return;
        const pv: SentPageView = { ip, path: '/pricing', title: 'pricing | Test site', ts: now - 20 * 60_000, referrer: null, bot: false };
        await sendPageViews([pv]);
        data.pageViews.push(pv);
        retyped.industry = 'Biotech';
        await ingest({ companies: [{ domain: retyped.domain, industry: 'Biotech' }] });
        await caughtUp();
      },
    });
    expect(counted).toBe(before);
    expect(steps).toBeGreaterThan(2);
    expect(domain).toBeTruthy();
    for (const [days, tz] of [
      [7, 'Asia/Kathmandu'],
      [30, 'America/Los_Angeles'],
      [365, 'UTC'],
    ] as const)
      await expectMatches(days, tz);
  });

  it('follows a page view whose company was resolved late, and a company erased', async () => {
    // What a late reverse-DNS answer does: an anonymous page view gets its company afterwards.
    await caughtUp();
    const pv = data.pageViews.find((p) => !p.bot && data.ips.get(p.ip) === null && p.ts > now - 5 * 86_400_000)!;
    const late = companies[3]!;
    const db = api.server.ctx.db;
    const num = db.prepare('SELECT num FROM companies WHERE domain = ? AND site_id = ?').pluck().get(late.domain, site.id) as number;
    const changed = db
      .prepare('UPDATE page_view_rows SET company = ? WHERE ts = ? AND path = ? AND site = (SELECT num FROM site_numbers WHERE site_id = ?)')
      .run(num, pv.ts, pv.path, site.id).changes;
    expect(changed).toBe(1);
    const companyOf = (p: SentPageView) => (p === pv ? late.domain : (data.ips.get(p.ip) ?? null));
    await expectMatches(7, 'Asia/Kathmandu', { companyOf });
    await expectMatches(365, 'UTC', { companyOf });
    // Erasing a company takes it out of every figure that names companies.
    const erased = companies[5]!;
    db.prepare('DELETE FROM companies WHERE domain = ? AND site_id = ?').run(erased.domain, site.id);
    companies = companies.filter((c) => c !== erased);
    await expectMatches(30, 'America/Los_Angeles', { companyOf });
  });

  it('never counts bots', async () => {
    const before = await insights('?days=30&tz=UTC');
    const bots = Array.from({ length: 40 }, (_, i) => ({
      ip: '198.51.0.1',
      path: '/pricing',
      title: 'Bot | Test site',
      ts: now - 3_600_000 - i * 1000,
      referrer: null,
      bot: true,
    }));
    await sendPageViews(bots);
    await caughtUp();
    expect(await insights('?days=30&tz=UTC')).toEqual(before);
  });

  it('answers 400 for days and tz outside what it takes', async () => {
    for (const query of ['?days=0', '?days=366', '?days=abc', '?days=1.5', '?tz=Mars/Base', '?tz=%2B05:30', '?tz=', '?other=1']) {
      const res = await api.call('GET', `/api/dashboard/insights${query}`, { key: site.keys.read });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
    const bad = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { timezone: 'Nowhere/City' } });
    expect([400, 422]).toContain(bad.status);
  });

  it("shows another site nothing of this site's traffic", async () => {
    const other = api.addSite(['other.example']);
    const res = await api.call('GET', '/api/dashboard/insights?days=365', { key: other.keys.read });
    expect(res.status).toBe(200);
    expect(res.body.topIndustries).toEqual([]);
    expect(res.body.topPagesByScore).toEqual([]);
    expect(res.body.topReferrers).toEqual([]);
    expect(res.body.dayOfWeekActivity.every((d: { pageViews: number }) => d.pageViews === 0)).toBe(true);
  });
});
