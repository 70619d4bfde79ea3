import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createDashboardLink } from '../../packages/collector/src/dashboard-link.js';
import { sendBeacon, wireId, type TestServer, type TestSite } from '../helpers/server.js';
import { apiGet, hostileName, screenshot, scrollsSideways, signedIn, withSeededDashboard } from './dashboard.js';

let server: TestServer;
let site: TestSite;
let browser: Browser;

withSeededDashboard((f) => ({ server, site, browser } = f));

const rowNames = (page: import('playwright-core').Page) => page.locator('main table tbody tr td:first-child').allTextContents();

describe('the companies page', () => {
  it('lists the companies the API lists, in its order, with their scores, and no console error, failed request or CSP violation', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'admin');
    expect(page.url()).toBe(`${server.url}/dashboard/`);
    const api = await apiGet(server, site.keys.read, '/api/v1/companies?limit=25');
    await page.locator('main table').waitFor();
    expect(await rowNames(page)).toEqual(api.companies.map((c: { name: string }) => c.name));
    const scores = await page.locator('main table tbody tr td:nth-child(3)').allTextContents();
    expect(scores).toEqual(api.companies.map((c: { leadScore: number }) => String(c.leadScore)));
    expect(await page.locator('main').textContent()).toContain(`${api.pagination.total} companies.`);
    expect(problems()).toEqual([]);
    await screenshot(page, 'companies-desktop');
    await context.close();
  });

  it('shows a company named like markup as text', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'read');
    await page.locator('main table').waitFor();
    expect(await page.locator('main table img').count()).toBe(0);
    expect(await page.getByRole('link', { name: hostileName }).count()).toBe(1);
    expect(await page.title()).not.toBe('pwned');
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('keeps a filtered list through reload, back and forward', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'read');
    const count = page.locator('#company-count');
    await expect.poll(() => count.textContent()).toBe('3 companies.');
    await page.getByLabel('Industry').fill('Software');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => count.textContent()).toBe('1 company matches.');
    expect(page.url()).toBe(`${server.url}/dashboard/companies?industry=Software`);
    expect(await rowNames(page)).toEqual(['Acme Corp']);
    await page.reload();
    await expect.poll(() => count.textContent()).toBe('1 company matches.');
    expect(await rowNames(page)).toEqual(['Acme Corp']);
    expect(await page.getByLabel('Industry').inputValue()).toBe('Software');
    await page.goBack();
    await expect.poll(() => count.textContent()).toBe('3 companies.');
    expect(await page.getByLabel('Industry').inputValue()).toBe('');
    await page.goForward();
    await expect.poll(() => count.textContent()).toBe('1 company matches.');
    expect(await rowNames(page)).toEqual(['Acme Corp']);
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('exports the filtered rows, and only those, as CSV', async () => {
    // The two companies above the lowest score: a filter that leaves some rows out.
    const all = await apiGet(server, site.keys.read, '/api/v1/companies?sort=leadScore&limit=100');
    const minScore = all.companies[0].leadScore + 1;
    const { page, context, problems } = await signedIn(browser, server, site.id, 'read', 'desktop', `/dashboard/companies?min_score=${minScore}&sort=name`);
    await page.locator('main table').waitFor();
    const api = await apiGet(server, site.keys.read, `/api/v1/companies?min_score=${minScore}&sort=name&limit=100`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('id,name,domain,leadScore,industry,size,country,visitorCount,firstSeen,lastSeen');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(api.companies.map((c: { id: string }) => c.id));
    expect(csv.length - 1).toBe(api.pagination.total);
    expect(api.pagination.total).toBeGreaterThan(0);
    expect(api.pagination.total).toBeLessThan(3);
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('filters to the watched companies and toggles watching through the API, however long the watch list', async () => {
    const watch = (body: object) =>
      fetch(`${server.url}/api/dashboard/watch-list`, {
        method: 'POST',
        headers: { 'X-Api-Key': site.keys.write, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    // acme.com first, then 150 more: newest first, it is past the first page of 100 entries.
    expect((await watch({ domain: 'acme.com' })).status).toBe(201);
    expect((await watch({ domains: Array.from({ length: 150 }, (_, i) => `target${i}.example`) })).status).toBe(200);
    const { page, context, problems } = await signedIn(browser, server, site.id, 'write');
    const count = page.locator('#company-count');
    await expect.poll(() => count.textContent()).toBe('3 companies.');
    const toggle = (name: string) => page.locator('main table tbody tr', { hasText: name }).getByRole('button');
    expect(await toggle('Acme Corp').getAttribute('aria-pressed')).toBe('true');
    expect(await toggle('Globex').getAttribute('aria-pressed')).toBe('false');
    await page.getByLabel('Watched only').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => count.textContent()).toBe('1 company matches.');
    expect(page.url()).toBe(`${server.url}/dashboard/companies?watched=true`);
    const api = await apiGet(server, site.keys.read, '/api/v1/companies?watched=true&limit=25');
    expect(await rowNames(page)).toEqual(api.companies.map((c: { name: string }) => c.name));
    expect(await rowNames(page)).toEqual(['Acme Corp']);
    // Watching Globex from the full list puts it in the filter; stopping Acme takes it out.
    await page.goBack();
    await expect.poll(() => count.textContent()).toBe('3 companies.');
    await toggle('Globex').click();
    await expect.poll(() => toggle('Globex').getAttribute('aria-pressed')).toBe('true');
    await toggle('Acme Corp').click();
    await expect.poll(() => toggle('Acme Corp').getAttribute('aria-pressed')).toBe('false');
    await page.goForward();
    await expect.poll(() => count.textContent()).toBe('1 company matches.');
    expect(await rowNames(page)).toEqual(['Globex']);
    const after = await apiGet(server, site.keys.read, '/api/v1/companies?watched=true&limit=25');
    expect(after.companies.map((c: { domain: string; watchedDomain: string }) => [c.domain, c.watchedDomain])).toEqual([['globex.com', 'globex.com']]);
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('does not scroll sideways at 390 pixels', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'admin', 'phone');
    await page.locator('main table').waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(problems()).toEqual([]);
    await screenshot(page, 'companies-phone');
    await context.close();
  });

  it('shows a new site the tag to paste, and the first page view as soon as it arrives', async () => {
    const fresh = server.addSite({ name: 'Brand new', domains: ['new.example'] });
    const { page, context, problems } = await signedIn(browser, server, fresh.id, 'admin');
    await page.getByText('No page views yet').waitFor();
    expect(await page.locator('main pre code').textContent()).toBe(`<script defer src="${server.url}/t.js" data-site-key="${fresh.siteKey}"></script>`);
    await page.getByText('Waiting for the first page view').waitFor();
    await screenshot(page, 'companies-empty-desktop');
    await sendBeacon(server, { k: fresh.siteKey, n: 'pageview', v: wireId('v'), p: wireId('pv'), u: 'https://new.example/' }, { ip: '198.51.100.10' });
    await page.getByText('No page views yet').waitFor({ state: 'detached', timeout: 10_000 });
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('sends a visitor without a session to sign in, and refuses a used link', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Sign in to ClearView' }).waitFor();
    const { url } = createDashboardLink(server.ctx.db, { siteId: site.id, permission: 'read' }, server.url);
    await page.goto(url);
    await page.locator('main h1', { hasText: 'Companies' }).waitFor();
    await screenshot(page, 'sign-in-used-link-desktop');
    const other = await (await browser.newContext()).newPage();
    await other.goto(url);
    await other.getByText(/already used/).waitFor();
    await screenshot(other, 'sign-in-desktop');
    await other.context().close();
    await context.close();
  });
});
