import { describe, expect, it } from 'vitest';
import type { Options } from '../../packages/tracker/src/types.js';
import { ESM_SRC, ID, PAGE_URL, SITE_KEY, builtFile, expectBeacons, loadPage } from './helpers.js';

const API = 'https://collector.example.com/api/v1/collect';

/** An app module that bundles the tracker: it imports init() and keeps what it returns. */
function app(...calls: Options[]): string {
  const inits = calls.map((options) => `init(${JSON.stringify(options)})`).join(', ');
  return `import { init } from '${ESM_SRC}'; const [first, ...rest] = [${inits}]; window.clearview = first; window.same = rest.every((other) => other === first);`;
}

describe('init() for apps that bundle the tracker', () => {
  it('tracks like the tag, with options instead of data- attributes', async () => {
    const page = await loadPage({ module: app({ siteKey: SITE_KEY, api: API }) });
    await expectBeacons(page, { expected: [{ k: SITE_KEY, n: 'pageview', v: ID, p: ID, u: PAGE_URL, w: 1440 }] });
    expect(page.sent.map((request) => request.url)).toEqual([API]);
    await expectBeacons(page, {
      action: () => page.navigate('/features'),
      expected: [{ n: 'pageview', u: 'https://www.example.com/features' }],
    });
  });

  it('reads the same flags as the tag', async () => {
    const page = await loadPage({ module: app({ siteKey: SITE_KEY, api: API, manual: true, noStorage: true }) });
    await expectBeacons(page, { expected: [] });
    const [view] = await expectBeacons(page, { action: () => page.clearview('pageview'), expected: [{ n: 'pageview' }] });
    expect(view).not.toHaveProperty('v');
  });

  it('treats false flags as off', async () => {
    const options = { siteKey: SITE_KEY, api: API, manual: false, noStorage: false, allowLocal: false };
    const local = await loadPage({ url: 'http://localhost:5173/', module: app(options) });
    await expectBeacons(local, { expected: [] });
    const live = await loadPage({ module: app(options) });
    await expectBeacons(live, { expected: [{ n: 'pageview', v: ID }] });
  });

  it('returns the same function when called again, and tracks once', async () => {
    const page = await loadPage({ module: app({ siteKey: SITE_KEY, api: API }, { siteKey: 'site_other', api: API }) });
    expect((page.window as unknown as { same: boolean }).same).toBe(true);
    await expectBeacons(page, { expected: [{ n: 'pageview', k: SITE_KEY }] });
  });

  it('tells the developer why it ignores a visit', async () => {
    const page = await loadPage({ url: 'http://localhost:5173/', module: app({ siteKey: SITE_KEY, api: API }) });
    expect(page.warnings).toEqual([['[clearview] ignored: local']]);
  });

  it('leaves the tag silent about ignored visits', async () => {
    const page = await loadPage({ url: 'http://localhost:5173/' });
    page.clearview('identify', {});
    expect(page.warnings).toEqual([]);
  });

  it('ships type declarations for init()', () => {
    expect(builtFile('esm.d.ts')).toContain('export declare function init(options: Options): Command;');
  });
});
