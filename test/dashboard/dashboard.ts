import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { createDashboardLink } from '../../packages/collector/src/dashboard-link.js';
import type { Permission } from '../../packages/collector/src/store/api-keys.js';
import { sendBeacon, startTestServer, wireId, type TestServer, type TestSite } from '../helpers/server.js';

/** The dashboard specs' shared set-up: a collector, data sent through its API and beacons, and Chromium. */

export const hostileName = '<img src=x onerror="document.title=\'pwned\'">';
export const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
export type Size = keyof typeof sizes;

/** The routes of issues 17 and 18, on other branches: a 404 "No route" from them is expected until they land. */
export const pendingApis = ['/api/dashboard/watch-list', '/api/v1/signals', '/api/dashboard/outreach', '/api/dashboard/insights', '/api/v1/webhooks'];

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function startSeededServer(): Promise<{ server: TestServer; site: TestSite }> {
  const server = await startTestServer({ env: { CLEARVIEW_TRUST_PROXY: '1' } });
  const site = server.addSite({ name: 'Example Inc', domains: ['example.com'] });
  await seed(server, site);
  return { server, site };
}

/**
 * A spec file's seeded server and browser: started before its tests (handed to `use`, which keeps
 * them in the file's own variables) and closed after them.
 */
export function withSeededDashboard(use: (fixture: { server: TestServer; site: TestSite; browser: Browser }) => void): void {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const seeded = await startSeededServer();
    server = seeded.server;
    browser = await launch();
    use({ ...seeded, browser });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/** Three companies known by ingest, each with an address; page views arrive as beacons from those addresses. */
async function seed(server: TestServer, site: TestSite): Promise<void> {
  const ingest = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${site.keys.write}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      companies: [
        { name: 'Acme Corp', domain: 'acme.com', industry: 'Software', size: '51-200', country: 'US' },
        { name: 'Globex', domain: 'globex.com', industry: 'Manufacturing', size: '201-500', country: 'DE' },
        { name: hostileName, domain: 'hostile-name.com', industry: 'Retail', size: '11-50', country: 'GB' },
      ],
      visitors: [
        { ip: '198.51.100.10', companyDomain: 'acme.com' },
        { ip: '198.51.100.20', companyDomain: 'globex.com' },
        { ip: '198.51.100.30', companyDomain: 'hostile-name.com' },
      ],
      contacts: [{ email: 'dana@acme.com', firstName: 'Dana', lastName: 'Scully', jobTitle: 'CTO' }],
    }),
  });
  expect(ingest.status).toBe(200);
  const visit = async (ip: string, path: string, title: string, visitor = wireId('v')) => {
    const res = await sendBeacon(server, { k: site.siteKey, n: 'pageview', v: visitor, p: wireId('pv'), u: `https://example.com${path}`, t: title }, { ip });
    expect(res.status).toBe(202);
  };
  const acmeVisitor = wireId('v');
  await visit('198.51.100.10', '/pricing', 'Pricing | Example', acmeVisitor);
  await visit('198.51.100.10', '/demo', 'Book a demo | Example', acmeVisitor);
  await visit('198.51.100.10', '/integrations/salesforce', 'Salesforce integration', wireId('v'));
  await visit('198.51.100.20', '/blog/hello', 'Hello', wireId('v'));
  await visit('198.51.100.30', '/careers', '<b>bold</b> <script>alert(1)</script>', wireId('v'));
  // The insight rollups follow the beacons a few seconds behind: a spec starts once all five are counted,
  // so a page and the API it is compared with never see two states of the site.
  const counted = async () => {
    const answer = await fetch(`${server.url}/api/dashboard/insights?days=365`, { headers: { 'X-Api-Key': site.keys.read } });
    const body = (await answer.json()) as { dayOfWeekActivity?: Array<{ pageViews: number }> };
    return (body.dayOfWeekActivity ?? []).reduce((sum, d) => sum + d.pageViews, 0);
  };
  for (const deadline = Date.now() + 30_000; (await counted()) !== 5;) {
    if (Date.now() > deadline) throw new Error('the insight rollups never counted the five seeded page views');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Console errors (CSP violations among them), failed requests and error answers seen so far. */
  problems: () => string[];
}

/** A new browser context at a size, signed in with a one-time link, with everything that goes wrong recorded. */
export async function signedIn(
  browser: Browser,
  server: TestServer,
  siteId: string,
  permission: Permission,
  size: Size = 'desktop',
  path = '/dashboard/',
): Promise<Watched> {
  const context = await browser.newContext({ viewport: sizes[size], acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  let expected404s = 0;
  let logged404s = 0;
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium logs every 4xx fetch as a console error: those of the APIs still to land are expected (counted below).
    if (/status of 404/.test(message.text())) {
      logged404s += 1;
      return;
    }
    problems.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const path = new URL(response.url()).pathname;
    if (response.status() === 404 && pendingApis.some((api) => path.startsWith(api))) expected404s += 1;
    else problems.push(`answer ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  const { url } = createDashboardLink(server.ctx.db, { siteId, permission }, server.url);
  await page.goto(url.replace('/dashboard/', path));
  await page.locator('main h1').first().waitFor();
  expect(page.url()).not.toContain('token=');
  return { page, context, problems: () => (logged404s > expected404s ? [...problems, `${logged404s - expected404s} unexplained 404s`] : problems) };
}

/** Whether the page is wider than its viewport (scrolls sideways). */
export const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** GET through the API with a key, as the page's numbers are checked against it. */
export async function apiGet(server: TestServer, key: string, path: string): Promise<any> {
  const res = await fetch(`${server.url}${path}`, { headers: { 'X-Api-Key': key } });
  expect(res.status).toBe(200);
  return res.json();
}

/** Whether the collector has an API route (the pages of issues 17 and 18 until their branches land). */
export async function hasApi(server: TestServer, key: string, path: string): Promise<boolean> {
  const res = await fetch(`${server.url}${path}`, { headers: { 'X-Api-Key': key } });
  if (res.status !== 404) return true;
  const body = await res.json();
  return !String(body.error?.message).startsWith('No route for');
}
