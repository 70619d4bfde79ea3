import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer, TestSite } from '../helpers/server.js';
import { apiGet, screenshot, scrollsSideways, signedIn, type Size, withSeededDashboard } from './dashboard.js';

let server: TestServer;
let site: TestSite;
let browser: Browser;

withSeededDashboard((f) => ({ server, site, browser } = f));

describe('the watch list page', () => {
  it('adds one, edits its notes and removes it by keyboard alone, with a visible focus', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'write', 'desktop', '/dashboard/watch-list');
    await page.getByRole('heading', { name: /Watched domains/ }).waitFor();
    await page.getByLabel('Domain', { exact: true }).focus();
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.type('acme.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Acme Corp');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Met at the fair');
    await page.keyboard.press('Enter');
    await page.getByRole('table', { name: 'Watched domains' }).getByText('acme.com').waitFor();
    let answer = await apiGet(server, site.keys.read, '/api/dashboard/watch-list');
    expect(answer.watchList).toEqual([expect.objectContaining({ domain: 'acme.com', notes: 'Met at the fair' })]);
    await page.getByLabel('Notes for acme.com', { exact: true }).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Call in March');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Saved.').waitFor();
    answer = await apiGet(server, site.keys.read, '/api/dashboard/watch-list');
    expect(answer.watchList[0].notes).toBe('Call in March');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Nothing is watched yet.').waitFor();
    expect((await apiGet(server, site.keys.read, '/api/dashboard/watch-list')).watchList).toEqual([]);
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('pastes many and says what was added, skipped and invalid', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'write', 'desktop', '/dashboard/watch-list');
    await page.getByLabel(/Domains, one a line/).fill('globex.com\ninitech.com, globex.com\nnot_a_domain\n10.0.0.1');
    await page.getByRole('button', { name: 'Add all' }).click();
    await page.getByText(/^Added 2, skipped 1/).waitFor();
    expect(await page.getByRole('table', { name: 'Invalid values' }).locator('tbody tr').count()).toBe(2);
    expect(problems()).toEqual([]);
    await context.close();
  });

  for (const size of ['desktop', 'phone'] as Size[]) {
    it(`fits a ${size} screen without scrolling sideways`, async () => {
      const { page, context, problems } = await signedIn(browser, server, site.id, 'write', size, '/dashboard/watch-list');
      await page.locator('main h1', { hasText: 'Watch list' }).waitFor();
      await page.locator('main .notice, main table, main .status').first().waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      expect(problems()).toEqual([]);
      await screenshot(page, `watch-list-${size}`);
      await context.close();
    });
  }
});
