import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer, TestSite } from '../helpers/server.js';
import { apiGet, screenshot, scrollsSideways, signedIn, withSeededDashboard } from './dashboard.js';

let server: TestServer;
let site: TestSite;
let browser: Browser;

withSeededDashboard((f) => ({ server, site, browser } = f));

describe('the settings page', () => {
  it('shows an admin the tag with and without storage, the domains and every key the API lists', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'admin', 'desktop', '/dashboard/settings');
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    const tags = await page.locator('main pre code').allTextContents();
    expect(tags).toContain(`<script defer src="${server.url}/t.js" data-site-key="${site.siteKey}"></script>`);
    expect(tags).toContain(`<script defer src="${server.url}/t.js" data-site-key="${site.siteKey}" data-no-storage></script>`);
    expect(await page.getByLabel('Registered domains, one a line').inputValue()).toBe('example.com');
    const keys = await apiGet(server, site.keys.admin, '/api/v1/keys');
    const labels = await page.getByRole('table', { name: 'API keys' }).locator('tbody tr td:first-child').allTextContents();
    expect(labels).toEqual(keys.keys.map((k: { label: string }) => k.label));
    expect(problems()).toEqual([]);
    await screenshot(page, 'settings-desktop');
    await context.close();
  });

  it('creates a key and shows it once, and revokes a key', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'admin', 'desktop', '/dashboard/settings');
    await page.getByLabel('Label').fill('Made in the dashboard');
    await page.getByLabel('Permission').selectOption('read');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = await page.locator('code.new-key').textContent();
    expect(shown).toMatch(/^cv_live_[A-Za-z0-9]{32}$/);
    const made = (await apiGet(server, site.keys.admin, '/api/v1/keys')).keys.find((k: { label: string }) => k.label === 'Made in the dashboard');
    expect(made).toMatchObject({ permission: 'read', revokedAt: null });
    expect((await fetch(`${server.url}/api/v1/companies`, { headers: { 'X-Api-Key': shown! } })).status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain(shown!);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke the key Made in the dashboard' }).click();
    await page
      .getByRole('table', { name: 'API keys' })
      .locator('tr', { hasText: 'Made in the dashboard' })
      .getByText(/^Revoked/)
      .waitFor();
    expect((await fetch(`${server.url}/api/v1/companies`, { headers: { 'X-Api-Key': shown! } })).status).toBe(401);
    expect(problems()).toEqual([]);
    await context.close();
  });

  it('shows a read key no key management, and the API refuses it a key', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'read', 'desktop', '/dashboard/settings');
    await page.getByRole('heading', { name: 'Site and tag' }).waitFor();
    expect(await page.getByText('This session has read permission.').count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'API keys' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/v1/keys', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ label: 'sneaky', permission: 'admin' }),
      });
      return res.status;
    });
    expect(status).toBe(403);
    expect(problems().filter((p) => !p.includes('/api/v1/keys') && !p.includes('status of 403'))).toEqual([]);
    await screenshot(page, 'settings-read-desktop');
    await context.close();
  });

  it('does not scroll sideways at 390 pixels', async () => {
    const { page, context, problems } = await signedIn(browser, server, site.id, 'admin', 'phone', '/dashboard/settings');
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    // The key form's fields sit close under their labels, one after the other: no tall empty boxes.
    const form = await page.evaluate(() => {
      const box = (selector: string) => document.querySelector(`form[aria-label="Create an API key"] ${selector}`)!.getBoundingClientRect();
      // Empty space in a field: its height less its label's text line and its input.
      const slack = (id: string) => box(`label[for="${id}"]`).height - 24 + (box(`#${id}`).top - box(`label[for="${id}"]`).bottom);
      return { label: slack('key-label'), permission: slack('key-permission'), beforeButton: box('button').top - box('#key-permission').bottom };
    });
    for (const [name, gap] of Object.entries(form)) expect(gap, name).toBeLessThan(16);
    expect(problems()).toEqual([]);
    await screenshot(page, 'settings-phone');
    await context.close();
  });
});
