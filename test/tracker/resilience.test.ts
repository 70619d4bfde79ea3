import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, PAGE_URL, expectBeacons, loadPage } from './helpers.js';

describe('sending, and never throwing into the page', () => {
  it('falls back to fetch, text/plain and keepalive, when sendBeacon is missing', async () => {
    const page = await loadPage({ sendBeacon: 'missing' });
    await expectBeacons(page, { expected: [{ n: 'pageview', u: PAGE_URL }] });
    const [request] = page.sent;
    expect(request).toMatchObject({ via: 'fetch', url: DEFAULT_ENDPOINT, init: { method: 'POST', keepalive: true, body: expect.any(String) } });
    // What the browser sends for a string body: text/plain, a simple request, no CORS preflight.
    const sentAs = new page.window.Request(request!.url, request!.init as never);
    expect(sentAs.headers.get('Content-Type')).toBe('text/plain;charset=UTF-8');
  });

  it('falls back to fetch when sendBeacon throws', async () => {
    const page = await loadPage({ sendBeacon: 'throws' });
    await expectBeacons(page, { expected: [{ n: 'pageview' }] });
    expect(page.sent.map((request) => request.via)).toEqual(['fetch']);
  });

  it('falls back to fetch when sendBeacon refuses the data', async () => {
    const page = await loadPage({ sendBeacon: 'refuses' });
    await expectBeacons(page, { expected: [{ n: 'pageview' }] });
    expect(page.sent.map((request) => request.via)).toEqual(['fetch']);
  });

  it('throws nothing into the page when sendBeacon and fetch are both missing', async () => {
    const page = await loadPage({ sendBeacon: 'missing', fetch: 'missing' });
    expect(() => {
      page.navigate('/features');
      page.clearview('identify', { email: 'ada@example.com' });
      page.advance(1000);
      page.hide();
    }).not.toThrow();
    expect(page.window.location.pathname).toBe('/features');
    await expectBeacons(page, { expected: [] });
  });

  it('throws nothing into the page when sendBeacon and fetch both throw, and keeps tracking', async () => {
    const page = await loadPage({ sendBeacon: 'throws', fetch: 'throws' });
    expect(() => page.navigate('/features')).not.toThrow();
    await expectBeacons(page, { expected: [] });
    expect(typeof page.global).toBe('function');
  });

  it('leaves no rejected fetch unhandled when the network fails', async () => {
    const page = await loadPage({ sendBeacon: 'missing', fetch: 'rejects' });
    page.navigate('/features');
    await page.settle();
    await expectBeacons(page, { expected: [{ n: 'pageview' }, { n: 'pageview' }] });
  });

  it('throws nothing into the page when localStorage throws', async () => {
    const page = await loadPage({ blockedStorage: 'throws', queued: [['identify', { email: 'ada@example.com' }]] });
    await expectBeacons(page, { expected: [{ n: 'pageview' }, { n: 'identify' }] });
  });

  it('throws nothing into the page when a trait cannot become a string', async () => {
    const page = await loadPage();
    expect(() => page.clearview('identify', { email: 'ada@example.com', company: Symbol('no') })).not.toThrow();
    await expectBeacons(page, { expected: [{ n: 'pageview' }] });
  });

  it('throws nothing into the page when the tag has no src to derive the collector from', async () => {
    const page = await loadPage({ src: '' });
    await expectBeacons(page, { expected: [] });
  });
});

describe('the test harness', () => {
  it('sees an error thrown into the page', async () => {
    const page = await loadPage();
    page.window.addEventListener('popstate', () => {
      throw new Error('a broken listener');
    });
    page.goBackTo(PAGE_URL);
    expect(page.errors).toHaveLength(1);
  });

  it('refuses a payload outside the wire format', async () => {
    const page = await loadPage();
    page.window.navigator.sendBeacon(DEFAULT_ENDPOINT, JSON.stringify({ k: 'site_x', n: 'pageview', p: 'short', u: PAGE_URL, x: 1 }));
    expect(() => page.sent).toThrow(/key x not allowed.*p short is not an id/);
  });
});
