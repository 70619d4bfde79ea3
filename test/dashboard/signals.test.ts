import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer, TestSite } from '../helpers/server.js';
import { apiGet, screenshot, scrollsSideways, signedIn, type Size, withSeededDashboard } from './dashboard.js';

let server: TestServer;
let site: TestSite;
let browser: Browser;

withSeededDashboard((f) => ({ server, site, browser } = f));

describe('the signals page', () => {
  it('lists the signals the API lists, by type', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'read', 'desktop', '/dashboard/signals?type=company.identified');
    const api = await apiGet(server, site.keys.read, '/api/v1/signals?type=company.identified&limit=50');
    await page.locator('main ul.feed, main .status').first().waitFor();
    const summaries = await page.locator('main ul.feed li p:nth-child(2)').allTextContents();
    expect(summaries).toEqual(api.signals.map((s: { summary: string }) => s.summary));
    expect(problems()).toEqual([]);
    await context.close();
  });

  for (const size of ['desktop', 'phone'] as Size[]) {
    it(`fits a ${size} screen without scrolling sideways`, async () => {
      const { page, context, problems } = await signedIn(browser, server, site.id, 'read', size, '/dashboard/signals');
      await page.locator('main .notice, main ul.feed, main .status').first().waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      expect(problems()).toEqual([]);
      await screenshot(page, `signals-${size}`);
      await context.close();
    });
  }
});
