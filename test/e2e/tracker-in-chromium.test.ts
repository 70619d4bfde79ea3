import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestSite } from '../helpers/server.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

let collector: TestServer;
let site: TestSite;
let pages: Server;
let pagesUrl: string;
let browser: Browser;

beforeAll(async () => {
  collector = await startTestServer();
  site = collector.addSite({ domains: ['localhost'] });
  // The customer's site: another origin, with a strict CSP that allows no inline script and no eval.
  pages = createServer((req, res) => {
    if (req.url === '/spa.js') {
      res.writeHead(200, { 'Content-Type': 'application/javascript' });
      res.end(fixture('spa.js'));
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'self'; script-src 'self' ${collector.url}; connect-src ${collector.url}`,
    });
    res.end(fixture('spa.html').replace('{{COLLECTOR}}', collector.url).replace('{{SITE_KEY}}', site.siteKey));
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesUrl = `http://localhost:${(pages.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pages?.close(resolve));
  await collector?.stop();
});

type PageViewRow = { pv_id: string; path: string; engaged_ms: number; visitor_id: string; title: string };
const pageViews = () =>
  collector.ctx.db.prepare('SELECT pv_id, path, engaged_ms, visitor_id, title FROM page_views WHERE site_id = ? ORDER BY id').all(site.id) as PageViewRow[];

async function until<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the tracker in a real browser', () => {
  it('records page views, client-side navigation, engaged time and identify in the database', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });

    const opened = Date.now();
    await page.goto(`${pagesUrl}/app/`);
    await until(pageViews, (rows) => rows.length === 1);
    await page.waitForTimeout(400);
    await page.click('#to-pricing');
    await until(pageViews, (rows) => rows.length === 2);
    await page.waitForTimeout(300);
    await page.goBack();
    await until(pageViews, (rows) => rows.length === 3);
    await page.goForward();
    await until(pageViews, (rows) => rows.length === 4);
    await page.evaluate(() =>
      (window as unknown as { clearview: (...args: unknown[]) => void }).clearview('identify', { email: 'dana@acme-e2e.example', firstName: 'Dana', jobTitle: 'CTO' }),
    );

    // Hide the page by bringing another tab to the front, then close it: both send engagement.
    const other = await context.newPage();
    await other.bringToFront();
    await page.waitForTimeout(200);
    await page.bringToFront();
    await page.waitForTimeout(200);
    await page.close({ runBeforeUnload: true });
    const elapsed = Date.now() - opened;

    const rows = await until(pageViews, (r) => r.length === 4 && r.every((row) => row.engaged_ms > 0));
    expect(rows.map((r) => r.path)).toEqual(['/app/', '/app/pricing', '/app/', '/app/pricing']);
    expect(new Set(rows.map((r) => r.pv_id)).size).toBe(4);
    expect(new Set(rows.map((r) => r.visitor_id)).size).toBe(1);
    for (const row of rows) {
      expect(row.engaged_ms).toBeGreaterThan(0);
      expect(row.engaged_ms).toBeLessThanOrEqual(elapsed);
    }
    // The first view was visible for at least the 400 ms we waited on it.
    expect(rows[0]!.engaged_ms).toBeGreaterThanOrEqual(350);

    const contact = await until(
      () =>
        collector.ctx.db
          .prepare('SELECT c.email, c.first_name, v.id AS visitor FROM contacts c JOIN visitors v ON v.contact_id = c.id WHERE c.site_id = ?')
          .get(site.id) as { email: string; first_name: string; visitor: string } | undefined,
      (row) => row !== undefined,
    );
    expect(contact).toEqual({ email: 'dana@acme-e2e.example', first_name: 'Dana', visitor: rows[0]!.visitor_id });
    expect(errors).toEqual([]);
    await context.close();
  });
});
