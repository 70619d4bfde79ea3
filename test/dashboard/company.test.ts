import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestSite } from '../helpers/server.js';
import { apiGet, screenshot, scrollsSideways, signedIn, withSeededDashboard } from './dashboard.js';

let server: TestServer;
let site: TestSite;
let browser: Browser;
let acmeId: string;
let hostileId: string;

withSeededDashboard((f) => ({ server, site, browser } = f));
beforeAll(async () => {
  const list = await apiGet(server, site.keys.read, '/api/v1/companies');
  acmeId = list.companies.find((c: { domain: string }) => c.domain === 'acme.com').id;
  hostileId = list.companies.find((c: { domain: string }) => c.domain === 'hostile-name.com').id;
});

describe('the company page', () => {
  it('shows the firmographics, the score’s points and facts, the visits and the contacts the API gives', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'write', 'desktop', `/dashboard/companies/${acmeId}`);
    const detail = await apiGet(server, site.keys.read, `/api/v1/companies/${acmeId}`);
    const views = await apiGet(server, site.keys.read, `/api/v1/page-views?company_id=${acmeId}&limit=50`);
    await page.getByRole('heading', { name: 'Acme Corp', level: 1 }).waitFor();
    const main = page.locator('main');
    await main.getByRole('heading', { name: 'Visits' }).waitFor();
    const facts = await main.locator('dl.facts').first().innerText();
    expect(facts).toContain('acme.com');
    expect(facts).toContain('Software');
    expect(facts).toContain('51-200');
    await main.getByRole('heading', { name: `Score ${detail.score.total} of 100` }).waitFor();
    const breakdown = main.getByRole('table', { name: 'Score breakdown' });
    const names = await breakdown.locator('tbody tr td:first-child').allTextContents();
    expect(names).toEqual(detail.score.components.map((c: { name: string }) => c.name));
    const intentFacts = await breakdown.locator('tbody tr', { hasText: 'intent' }).innerText();
    expect(intentFacts).toMatch(/pricing/);
    expect(intentFacts).toMatch(/demo/);
    const visitRows = main.getByRole('table', { name: 'Page views, newest first' }).locator('tbody tr');
    expect(await visitRows.count()).toBe(views.pageViews.length);
    expect(await visitRows.first().innerText()).toContain(views.pageViews[0].title);
    expect(await main.getByRole('table', { name: 'Contacts' }).innerText()).toContain('Dana Scully');
    expect(problems()).toEqual([]);
    await screenshot(page, 'company-desktop');
    await context.close();
  });

  it('shows a name and page titles made of markup as text', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'read', 'desktop', `/dashboard/companies/${hostileId}`);
    await page.getByRole('heading', { name: 'Visits' }).waitFor();
    expect(await page.locator('main h1').textContent()).toBe('<img src=x onerror="document.title=\'pwned\'">');
    expect(await page.locator('main').innerText()).toContain('<b>bold</b> <script>alert(1)</script>');
    expect(await page.locator('main img, main b, main script').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('does not scroll sideways at 390 pixels', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'read', 'phone', `/dashboard/companies/${acmeId}`);
    await page.getByRole('heading', { name: 'Visits' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(problems()).toEqual([]);
    await screenshot(page, 'company-phone');
    await context.close();
  });

  it('says so when the company does not exist', async () => {
    const { page, context } = await signedIn(browser, server, site.id, 'read', 'desktop', '/dashboard/companies/comp_nothingHere1');
    await page.getByRole('heading', { name: 'Company not found' }).waitFor();
    await context.close();
  });
});
