import { describe, expect, it } from 'vitest';
import { ID, PAGE_URL, SITE_KEY, expectBeacons, loadPage } from './helpers.js';

const ORIGIN = 'https://www.example.com';

describe('client-side navigation', () => {
  it('sends a page view on pushState to a new URL, the previous URL as referrer', async () => {
    const page = await loadPage({ referrer: 'https://www.google.com/', title: 'Pricing' });
    const [load] = page.payloads;
    const [view] = await expectBeacons(page, {
      action: () => page.navigate('/features'),
      expected: [{ k: SITE_KEY, n: 'pageview', v: load!.v, p: ID, u: `${ORIGIN}/features`, r: PAGE_URL, t: 'Pricing', w: 1440 }],
    });
    expect(view!.p).not.toBe(load!.p);
  });

  it('sends a page view on replaceState to a new URL', async () => {
    const page = await loadPage();
    await expectBeacons(page, { action: () => page.navigate('/welcome', 'replaceState'), expected: [{ n: 'pageview', u: `${ORIGIN}/welcome`, r: PAGE_URL }] });
  });

  it('sends a page view when the back button changes the URL (popstate)', async () => {
    const page = await loadPage();
    page.navigate('/features');
    await expectBeacons(page, {
      action: () => page.goBackTo(PAGE_URL),
      expected: [{ n: 'pageview', u: PAGE_URL, r: `${ORIGIN}/features` }],
    });
  });

  it('sends no duplicate when the URL did not change', async () => {
    const page = await loadPage();
    await expectBeacons(page, {
      action: () => {
        page.navigate('/pricing?utm_source=news', 'replaceState');
        page.navigate('/pricing?utm_source=news');
        page.goBackTo(PAGE_URL);
      },
      expected: [],
    });
  });

  it('sends one page view per distinct URL, however often the router calls', async () => {
    const page = await loadPage();
    await expectBeacons(page, {
      action: () => {
        page.navigate('/a');
        page.navigate('/a', 'replaceState');
        page.navigate('/b');
        page.navigate('/b');
      },
      expected: [
        { n: 'pageview', u: `${ORIGIN}/a` },
        { n: 'pageview', u: `${ORIGIN}/b`, r: `${ORIGIN}/a` },
      ],
    });
  });

  it('ignores a change of #fragment by default', async () => {
    const page = await loadPage();
    await expectBeacons(page, {
      action: () => {
        page.followAnchor('#faq');
        page.navigate('/pricing?utm_source=news#plans');
      },
      expected: [],
    });
  });

  it('counts a change of #fragment as a page view with data-hash', async () => {
    const page = await loadPage({ url: `${ORIGIN}/app#/home`, tag: { hash: true } });
    await expectBeacons(page, {
      action: () => page.followAnchor('#/settings'),
      expected: [{ n: 'pageview', u: `${ORIGIN}/app#/settings`, r: `${ORIGIN}/app#/home` }],
    });
  });

  it("keeps the page's own pushState working", async () => {
    const page = await loadPage();
    page.window.history.pushState({ step: 2 }, '', '/checkout');
    expect(page.window.location.href).toBe(`${ORIGIN}/checkout`);
    expect(page.window.history.state).toEqual({ step: 2 });
  });

  it("leaves the page's own pushState errors to the page", async () => {
    const page = await loadPage();
    expect(() => page.window.history.pushState({}, '', 'https://elsewhere.example.org/')).toThrow(/pushState/);
    await expectBeacons(page, { expected: [{ n: 'pageview' }] });
  });

  it('sends no automatic page view with data-manual', async () => {
    const page = await loadPage({ tag: { manual: true } });
    await expectBeacons(page, { expected: [] });
    await expectBeacons(page, {
      action: () => {
        page.navigate('/features');
        page.goBackTo(PAGE_URL);
        page.leave({ persisted: true });
        page.restore();
      },
      expected: [],
    });
  });
});
