import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer, TestSite } from '../helpers/server.js';
import { apiGet, screenshot, scrollsSideways, signedIn, type Size, withSeededDashboard } from './dashboard.js';

let server: TestServer;
let site: TestSite;
let browser: Browser;

withSeededDashboard((f) => ({ server, site, browser } = f));

describe('the insights page', () => {
  it('charts the five fields with tables holding the API’s numbers, for the days and zone picked', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'read', 'desktop', '/dashboard/insights');
    await page.getByLabel('Days').selectOption('90');
    await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/days=90&tz=Asia%2FTokyo/);
    const api = await apiGet(server, site.keys.read, '/api/dashboard/insights?days=90&tz=Asia/Tokyo');
    const days = page.getByRole('table', { name: 'Activity by day of week' });
    await days.waitFor();
    expect(await days.locator('tbody tr td:first-child').allTextContents()).toEqual(api.dayOfWeekActivity.map((d: { day: string }) => d.day));
    expect(await days.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(
      api.dayOfWeekActivity.map((d: { pageViews: number }) => new Intl.NumberFormat('en-US').format(d.pageViews)),
    );
    // A field with no rows says so instead of drawing an empty chart.
    const fields = [api.topIndustries, api.companySizeBreakdown, api.topPagesByScore, api.topReferrers, api.dayOfWeekActivity] as unknown[][];
    const charted = fields.filter((rows) => rows.length > 0).length;
    expect(await page.locator('main svg.chart').count()).toBe(charted);
    expect(await page.getByText('Nothing to chart.').count()).toBe(5 - charted);
    expect(problems()).toEqual([]);
    await context.close();
  });

  for (const size of ['desktop', 'phone'] as Size[]) {
    it(`fits a ${size} screen without scrolling sideways`, async () => {
      const { page, context, problems } = await signedIn(browser, server, site.id, 'read', size, '/dashboard/insights');
      await page.locator('main .notice, main .chart, main .status').first().waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      expect(problems()).toEqual([]);
      await screenshot(page, `insights-${size}`);
      await context.close();
    });
  }
});
