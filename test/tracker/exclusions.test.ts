import { describe, expect, it } from 'vitest';
import { type Setup, expectBeacons, loadPage } from './helpers.js';

/** Loads the page, calls every command, and returns what was sent. */
async function visit(setup: Setup) {
  const page = await loadPage(setup);
  page.clearview('identify', { email: 'ada@example.com' });
  page.clearview('pageview');
  page.navigate('/features');
  page.advance(1000);
  page.hide();
  return page;
}

describe('who is not tracked', () => {
  it.each([
    ['localhost', 'http://localhost:3000/'],
    ['127.0.0.1', 'http://127.0.0.1:8080/pricing'],
    ['[::1]', 'http://[::1]:8080/'],
    ['a file: page', 'file:///Users/ada/site/index.html'],
  ])('does not track %s', async (_name, url) => {
    const page = await visit({ url });
    await expectBeacons(page, { expected: [] });
  });

  it('tracks localhost with data-allow-local', async () => {
    const page = await visit({ url: 'http://localhost:3000/', tag: { 'allow-local': true } });
    await expectBeacons(page, { expected: [{ n: 'pageview' }, { n: 'identify' }, { n: 'pageview' }, { n: 'pageview' }, { n: 'engagement' }] });
  });

  it('does not track an automated browser (navigator.webdriver)', async () => {
    const page = await visit({ navigator: { webdriver: true } });
    await expectBeacons(page, { expected: [] });
  });

  it('tracks an automated browser with data-allow-automation', async () => {
    const page = await visit({ navigator: { webdriver: true }, tag: { 'allow-automation': true } });
    await expectBeacons(page, { expected: [{ n: 'pageview' }, { n: 'identify' }, { n: 'pageview' }, { n: 'pageview' }, { n: 'engagement' }] });
  });

  it('does not track a visitor who opted out with localStorage.clearview_ignore = "true"', async () => {
    const page = await visit({ storage: { clearview_ignore: 'true' } });
    await expectBeacons(page, { expected: [] });
  });

  it('tracks a visitor whose clearview_ignore is anything but "true"', async () => {
    const page = await visit({ storage: { clearview_ignore: 'false' } });
    await expectBeacons(page, { expected: [{ n: 'pageview' }, { n: 'identify' }, { n: 'pageview' }, { n: 'pageview' }, { n: 'engagement' }] });
  });

  it('does not track Do Not Track visitors with data-respect-dnt', async () => {
    const page = await visit({ navigator: { doNotTrack: '1' }, tag: { 'respect-dnt': true } });
    await expectBeacons(page, { expected: [] });
  });

  it('does not track Global Privacy Control visitors with data-respect-dnt', async () => {
    const page = await visit({ navigator: { globalPrivacyControl: true }, tag: { 'respect-dnt': true } });
    await expectBeacons(page, { expected: [] });
  });

  it('tracks Do Not Track and Global Privacy Control visitors without data-respect-dnt', async () => {
    const page = await visit({ navigator: { doNotTrack: '1', globalPrivacyControl: true } });
    await expectBeacons(page, { expected: [{ n: 'pageview' }, { n: 'identify' }, { n: 'pageview' }, { n: 'pageview' }, { n: 'engagement' }] });
  });

  it('does not track without a site key', async () => {
    const page = await visit({ replaceTag: true });
    await expectBeacons(page, { expected: [] });
  });

  it('keeps clearview() a harmless no-op when not tracking', async () => {
    const page = await loadPage({ url: 'http://localhost:3000/', queued: [['identify', { email: 'ada@example.com' }]] });
    expect(typeof page.global).toBe('function');
    expect(() => page.clearview('identify', { email: 'ada@example.com' })).not.toThrow();
    await expectBeacons(page, { expected: [] });
  });
});
