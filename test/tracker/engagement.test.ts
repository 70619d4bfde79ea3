import { describe, expect, it } from 'vitest';
import { ID, PAGE_URL, SITE_KEY, expectBeacons, loadPage } from './helpers.js';

describe('engaged time', () => {
  it('sends the engaged time, tied to the page view, when the page is hidden', async () => {
    const page = await loadPage();
    const [view] = page.payloads;
    page.advance(4200);
    await expectBeacons(page, {
      action: () => page.hide(),
      expected: [{ k: SITE_KEY, n: 'engagement', v: view!.v, p: view!.p, u: PAGE_URL, e: 4200 }],
    });
    expect(Object.keys(page.payloads[1]!)).toEqual(['k', 'n', 'v', 'p', 'u', 'e']);
  });

  it('does not count hidden time as engaged', async () => {
    const page = await loadPage();
    page.advance(1000);
    page.hide();
    page.advance(60_000);
    page.show();
    page.advance(500);
    await expectBeacons(page, { action: () => page.hide(), expected: [{ n: 'engagement', e: 500 }] });
  });

  it('sends each time what was engaged since the last engagement event, so they add up', async () => {
    const page = await loadPage();
    const [view] = page.payloads;
    await expectBeacons(page, {
      action: () => {
        page.advance(1000);
        page.hide();
        page.show();
        page.advance(2500);
        page.hide();
      },
      expected: [
        { n: 'engagement', p: view!.p, e: 1000 },
        { n: 'engagement', p: view!.p, e: 2500 },
      ],
    });
  });

  it('sends nothing when no time was engaged', async () => {
    const page = await loadPage();
    await expectBeacons(page, {
      action: () => {
        page.hide();
        page.advance(30_000);
        page.hide();
        page.leave();
      },
      expected: [],
    });
  });

  it('sends the engaged time on pagehide', async () => {
    const page = await loadPage();
    page.advance(800);
    await expectBeacons(page, {
      action: () => page.window.dispatchEvent(new page.window.Event('pagehide')),
      expected: [{ n: 'engagement', e: 800 }],
    });
  });

  it('sends the engaged time of the previous page before the next page view', async () => {
    const page = await loadPage();
    const [view] = page.payloads;
    page.advance(3000);
    const [, next] = await expectBeacons(page, {
      action: () => page.navigate('/features'),
      expected: [
        { n: 'engagement', p: view!.p, u: PAGE_URL, e: 3000 },
        { n: 'pageview', p: ID, u: 'https://www.example.com/features' },
      ],
    });
    page.advance(700);
    await expectBeacons(page, { action: () => page.hide(), expected: [{ n: 'engagement', p: next!.p, u: 'https://www.example.com/features', e: 700 }] });
  });

  it('does not count time frozen in the back/forward cache, and counts the restore as a new page view', async () => {
    const page = await loadPage();
    const [view] = page.payloads;
    page.advance(2000);
    await expectBeacons(page, { action: () => page.leave({ persisted: true }), expected: [{ n: 'engagement', p: view!.p, e: 2000 }] });
    page.advance(10 * 60_000);
    const [restored] = await expectBeacons(page, { action: () => page.restore(), expected: [{ n: 'pageview', p: ID, u: PAGE_URL }] });
    expect(restored!.p).not.toBe(view!.p);
    page.advance(1500);
    await expectBeacons(page, { action: () => page.hide(), expected: [{ n: 'engagement', p: restored!.p, e: 1500 }] });
  });

  it('is measured for page views tracked by hand', async () => {
    const page = await loadPage({ tag: { manual: true } });
    const [view] = await expectBeacons(page, { action: () => page.clearview('pageview'), expected: [{ n: 'pageview' }] });
    page.advance(900);
    await expectBeacons(page, { action: () => page.hide(), expected: [{ n: 'engagement', p: view!.p, e: 900 }] });
  });
});
