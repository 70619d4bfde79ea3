import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ID, PAGE_URL, SITE_KEY, STUB, expectBeacons, loadPage } from './helpers.js';

const PERSON = {
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  jobTitle: 'Head of Engineering',
  company: 'Analytical Engines Ltd',
  phone: '+44 20 7946 0000',
  linkedinUrl: 'https://www.linkedin.com/in/ada',
};

describe('the clearview() command queue', () => {
  it('identify sends the person, tied to the anonymous visitor', async () => {
    const page = await loadPage();
    const [view] = page.payloads;
    const [identify] = await expectBeacons(page, {
      action: () => page.clearview('identify', PERSON),
      expected: [{ k: SITE_KEY, n: 'identify', v: view!.v, d: PERSON }],
    });
    expect(Object.keys(identify!)).toEqual(['k', 'n', 'v', 'd']);
    expect(identify!.d).toEqual(PERSON);
  });

  it('identify keeps only the known traits, as strings of at most 256 characters', async () => {
    const page = await loadPage();
    const [identify] = await expectBeacons(page, {
      action: () => page.clearview('identify', { email: 'ada@example.com', company: 'C'.repeat(300), phone: 442079460000, password: 'hunter2', lastName: '' }),
      expected: [{ n: 'identify' }],
    });
    expect(identify!.d).toEqual({ email: 'ada@example.com', company: 'C'.repeat(256), phone: '442079460000' });
  });

  it('identify without an email sends nothing', async () => {
    const page = await loadPage();
    await expectBeacons(page, {
      action: () => {
        page.clearview('identify', { firstName: 'Ada' });
        page.clearview('identify', { email: '' });
        page.clearview('identify');
      },
      expected: [],
    });
  });

  it('pageview tracks a page view by hand', async () => {
    const page = await loadPage({ tag: { manual: true } });
    await expectBeacons(page, { expected: [] });
    await expectBeacons(page, { action: () => page.clearview('pageview'), expected: [{ n: 'pageview', p: ID, u: PAGE_URL }] });
  });

  it('pageview by hand sends even when the URL did not change', async () => {
    const page = await loadPage();
    await expectBeacons(page, { action: () => page.clearview('pageview'), expected: [{ n: 'pageview', u: PAGE_URL, r: PAGE_URL }] });
  });

  it('ignores unknown commands', async () => {
    const page = await loadPage();
    await expectBeacons(page, { action: () => page.clearview('track', { email: 'ada@example.com' }), expected: [] });
  });

  it('replays the calls queued before the script loaded, in order, after the first page view', async () => {
    const page = await loadPage({
      tag: { manual: true },
      queued: [['identify', { email: 'first@example.com' }], ['pageview'], ['identify', { email: 'second@example.com' }]],
    });
    await expectBeacons(page, {
      expected: [{ n: 'identify', d: { email: 'first@example.com' } }, { n: 'pageview' }, { n: 'identify', d: { email: 'second@example.com' } }],
    });
  });

  it('holds commands made while prerendered until the page is shown', async () => {
    const page = await loadPage({ prerendering: true, queued: [['identify', PERSON]] });
    page.clearview('identify', { email: 'later@example.com' });
    await expectBeacons(page, { expected: [] });
    await expectBeacons(page, {
      action: () => page.activate(),
      expected: [{ n: 'pageview' }, { n: 'identify', d: PERSON }, { n: 'identify', d: { email: 'later@example.com' } }],
    });
  });

  it('adds no global but clearview', async () => {
    let before = new Set<string>();
    const page = await loadPage({ beforeLoad: (window) => (before = new Set(Object.getOwnPropertyNames(window))) });
    page.navigate('/features');
    page.clearview('identify', PERSON);
    const added = Object.getOwnPropertyNames(page.window).filter((name) => !before.has(name));
    expect(added).toEqual(['clearview']);
  });

  it('documents in the README the stub the tests run', () => {
    const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../packages/tracker/README.md'), 'utf8');
    expect(readme).toContain(`<script>${STUB}</script>`);
  });
});
