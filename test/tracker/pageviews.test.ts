import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, ID, PAGE_URL, SITE_KEY, expectBeacons, loadPage } from './helpers.js';

describe('the page view on load', () => {
  it('sends a page view with the wire fields on load', async () => {
    const page = await loadPage({ referrer: 'https://www.google.com/', title: 'Pricing', screenWidth: 1440 });
    await expectBeacons(page, {
      expected: [{ k: SITE_KEY, n: 'pageview', v: ID, p: ID, u: PAGE_URL, r: 'https://www.google.com/', t: 'Pricing', w: 1440 }],
    });
    expect(Object.keys(page.payloads[0]!)).toEqual(['k', 'n', 'v', 'p', 'u', 'r', 't', 'w']);
  });

  it('leaves out an empty referrer and an empty title', async () => {
    const page = await loadPage({ referrer: '', title: '' });
    await expectBeacons(page, { expected: [{ n: 'pageview' }] });
    expect(page.payloads[0]).not.toHaveProperty('r');
    expect(page.payloads[0]).not.toHaveProperty('t');
  });

  it('cuts the URL and the referrer to 2,048 characters and the title to 512', async () => {
    const long = 'https://www.example.com/search?q=' + 'x'.repeat(3000);
    const page = await loadPage({ url: long, referrer: long, title: 'T'.repeat(600) });
    await expectBeacons(page, { expected: [{ u: long.slice(0, 2048), r: long.slice(0, 2048), t: 'T'.repeat(512) }] });
  });

  it('leaves out the #fragment of the URL', async () => {
    const page = await loadPage({ url: 'https://www.example.com/docs#install' });
    await expectBeacons(page, { expected: [{ u: 'https://www.example.com/docs' }] });
  });

  it('keeps the #fragment with data-hash', async () => {
    const page = await loadPage({ url: 'https://www.example.com/app#/settings', tag: { hash: true } });
    await expectBeacons(page, { expected: [{ u: 'https://www.example.com/app#/settings' }] });
  });

  it('sends to /api/v1/collect on the origin that served the script', async () => {
    const page = await loadPage({ src: 'https://collector.example.com/t.js?v=3' });
    expect(page.sent.map((request) => request.url)).toEqual([DEFAULT_ENDPOINT]);
  });

  it('sends to the endpoint in data-api, to pass through a proxy on the site', async () => {
    const page = await loadPage({ tag: { api: 'https://www.example.com/stats/collect' } });
    expect(page.sent.map((request) => request.url)).toEqual(['https://www.example.com/stats/collect']);
  });

  it('sends with sendBeacon and a string body, so the request is text/plain', async () => {
    const page = await loadPage();
    expect(page.sent).toHaveLength(1);
    expect(page.sent[0]).toMatchObject({ via: 'sendBeacon', body: expect.any(String) });
  });

  it('waits until a prerendered page is shown', async () => {
    const page = await loadPage({ prerendering: true });
    await expectBeacons(page, { expected: [] });
    await expectBeacons(page, { action: () => page.activate(), expected: [{ n: 'pageview', u: PAGE_URL }] });
  });

  it('does not count a page that loads hidden as engaged until it is shown', async () => {
    const page = await loadPage({ hidden: true });
    page.advance(5000);
    page.show();
    page.advance(1200);
    await expectBeacons(page, { action: () => page.hide(), expected: [{ n: 'engagement', e: 1200 }] });
  });

  it('sends one page view when the tag is on the page twice', async () => {
    const page = await loadPage({ twice: true });
    await expectBeacons(page, { expected: [{ n: 'pageview' }] });
    await expectBeacons(page, { action: () => page.navigate('/about'), expected: [{ n: 'pageview', u: 'https://www.example.com/about' }] });
  });
});

describe('the visitor id', () => {
  it('keeps the visitor id in localStorage across page loads', async () => {
    const first = await loadPage();
    const stored = first.window.localStorage.getItem('clearview_id');
    expect(first.payloads[0]!.v).toBe(stored);
    const second = await loadPage({ storage: { clearview_id: stored! } });
    expect(second.payloads[0]).toMatchObject({ v: stored, p: ID });
    expect(second.payloads[0]!.p).not.toBe(first.payloads[0]!.p);
  });

  it('gives each visitor a new random id', async () => {
    const first = await loadPage();
    const second = await loadPage();
    expect(first.payloads[0]!.v).toEqual(ID);
    expect(first.payloads[0]!.v).not.toBe(second.payloads[0]!.v);
  });

  it('starts every id with its creation time in milliseconds, so that ids sort by creation', async () => {
    const page = await loadPage();
    await expectBeacons(page, { expected: [{ n: 'pageview' }] });
    const { v, p } = page.payloads[0]!;
    const created = String(Date.parse('2026-01-15T10:00:00Z'));
    expect(created).toHaveLength(13);
    expect(v).toMatch(new RegExp(`^${created}\\d{20,30}$`));
    expect(p).toMatch(new RegExp(`^${created}\\d{20,30}$`));
    page.advance(60_000);
    await expectBeacons(page, {
      action: () => page.navigate('/about'),
      expected: [
        { n: 'engagement', e: 60_000 },
        { n: 'pageview', u: 'https://www.example.com/about' },
      ],
    });
    const later = page.payloads[page.payloads.length - 1]!.p as string;
    expect(later > (p as string)).toBe(true);
  });

  it('sends no visitor id and stores nothing with data-no-storage', async () => {
    const page = await loadPage({ tag: { 'no-storage': true } });
    await expectBeacons(page, { expected: [{ n: 'pageview', p: ID }] });
    expect(page.payloads[0]).not.toHaveProperty('v');
    expect(page.window.localStorage.length).toBe(0);
  });

  it('sends no visitor id where localStorage throws', async () => {
    const page = await loadPage({ blockedStorage: 'throws' });
    await expectBeacons(page, { expected: [{ n: 'pageview', p: ID }] });
    expect(page.payloads[0]).not.toHaveProperty('v');
  });

  it('sends no visitor id where localStorage is null', async () => {
    const page = await loadPage({ blockedStorage: 'null' });
    await expectBeacons(page, { expected: [{ n: 'pageview', p: ID }] });
    expect(page.payloads[0]).not.toHaveProperty('v');
  });
});
