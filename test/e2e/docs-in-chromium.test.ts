import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await server.stop();
});

describe('/docs in Chromium', () => {
  it('renders the reference at 390 px under its CSP with no console error, integer parameters and the data credits', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    const answer = await page.goto(`${server.url}/docs`);
    expect(page.url()).toBe(`${server.url}/docs`);
    expect(answer!.headers()['content-security-policy']).toMatch(/script-src 'self';/);

    await page.locator('#operations-Companies-getCompanies').waitFor();
    await page.locator('#operations-Companies-getCompanies .opblock-summary-control').click();
    const parameters = page.locator('#operations-Companies-getCompanies tr[data-param-name]');
    await parameters.first().waitFor();
    const types = Object.fromEntries(
      await parameters.evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-param-name'), row.querySelector('.parameter__type')?.textContent?.trim() ?? ''])),
    );
    for (const name of ['page', 'limit', 'min_score']) expect(types[name]).toBe('integer');
    // Markdown is rendered: the document's `code` and **bold** arrive as elements, never as marks.
    const description = page.locator('#operations-Companies-getCompanies .opblock-description-wrapper');
    expect(await description.locator('strong').count()).toBeGreaterThan(0);
    expect(await description.innerText()).not.toMatch(/\*\*/);
    // Nothing is wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The key field of Authorize fits the screen too.
    await page.locator('.btn.authorize').click();
    const keyField = page.locator('.dialog-ux input').first();
    await keyField.waitFor();
    const box = (await keyField.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('.dialog-ux .close-modal').click();
    expect(await page.locator('#credits').innerText()).toMatch(/IP Geolocation by DB-IP/);
    expect(problems).toEqual([]);
    await page.close();
    // A 1.5 MB renderer on a shared 2-core machine: parsing alone can take seconds.
  }, 120_000);
});
