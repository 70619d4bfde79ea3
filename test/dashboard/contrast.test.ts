import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestServer, TestSite } from '../helpers/server.js';
import { signedIn, withSeededDashboard } from './dashboard.js';

/**
 * WCAG 2 contrast of the dashboard's main text styles, measured in Chromium from the computed
 * colours: each element's text colour against the background it is drawn on (its own and its
 * ancestors', composited), in the light and the dark scheme. AA: 4.5:1, 3:1 for large text.
 */

let server: TestServer;
let site: TestSite;
let browser: Browser;

withSeededDashboard((f) => ({ server, site, browser } = f));

/** The styles measured: a name, the selector of its first element on the page, and a pseudo-element if the text is one. */
type Style = [string, string] | [string, string, string];
const companiesStyles: Style[] = [
  ['body text', 'main table tbody td:nth-child(2)'],
  ['muted text', '#company-count'],
  ['link', 'main table tbody td a.company-name'],
  ['table header', 'main table thead th'],
  ['badge', 'header .badge'],
  ['button', 'form.filters button[type="submit"]'],
  ['secondary button', 'main .title-row button.secondary'],
  ['secondary link button', 'form.filters a.button.secondary'],
  ['toggle, off', 'main table tbody button[aria-pressed="false"]'],
  ['toggle, on', 'main table tbody button[aria-pressed="true"]'],
  ['filter label', 'form.filters > label > span'],
  ['placeholder', 'form.filters input[name="q"]', '::placeholder'],
];
const settingsStyles: Style[] = [
  ['danger button', 'main button.danger'],
  ['heading', 'main h2'],
  ['field hint', 'main .field p.muted'],
  ['code', 'main pre code'],
];

/** Runs in the page: relative luminance, contrast and the composited background, for each selector. */
const measure = `(styles) => {
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) throw new Error('unexpected colour ' + text);
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    return [0, 1, 2].map((i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat(a);
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) layers.push(parse(getComputedStyle(node).backgroundColor));
    // The canvas under everything is the root's background, white when it has none.
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return styles.map(([name, selector, pseudo]) => {
    const el = document.querySelector(selector);
    if (!el) return { name, selector, missing: true };
    const style = getComputedStyle(el, pseudo ?? null);
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
    return { name, selector, ratio: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100, large, fg: hex(fg), bg: hex(bg) };
  });
}`;

interface Measured {
  name: string;
  selector: string;
  missing?: boolean;
  ratio: number;
  large: boolean;
  fg: string;
  bg: string;
}

async function contrasts(page: Page, styles: Style[]): Promise<Measured[]> {
  return page.evaluate(`(${measure})(${JSON.stringify(styles)})`);
}

/** What falls short of AA, as readable lines; every style must have been found. */
const shortfalls = (measured: Measured[]) =>
  measured.flatMap((m) => {
    if (m.missing) return [`${m.name}: nothing matches ${m.selector}`];
    const needed = m.large ? 3 : 4.5;
    return m.ratio < needed ? [`${m.name}: ${m.fg} on ${m.bg} is ${m.ratio}:1, needs ${needed}:1`] : [];
  });

describe('the text contrast', () => {
  it('computes the WCAG ratio exactly: black on white 21:1, #777 on white 4.48:1', async () => {
    const page = await browser.newPage();
    await page.setContent('<p id="a" style="color:#000;background:#fff">a</p><p id="b" style="color:#777;background:#fff">b</p>');
    const [a, b] = await contrasts(page, [
      ['black', '#a'],
      ['grey', '#b'],
    ]);
    expect([a!.ratio, b!.ratio]).toEqual([21, 4.48]);
    expect(shortfalls([b!])).toEqual(['grey: #777777 on #ffffff is 4.48:1, needs 4.5:1']);
    await page.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`meets AA for the main text styles in the ${scheme} scheme`, async () => {
      const { page, context } = await signedIn(browser, server, site.id, 'admin');
      await page.emulateMedia({ colorScheme: scheme });
      // One company watched, so that both states of the toggle are on the page.
      await page.evaluate(() =>
        fetch('/api/dashboard/watch-list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ domain: 'acme.com' }) }),
      );
      await page.reload();
      await page.locator('main table').waitFor();
      const measured = await contrasts(page, companiesStyles);
      await page.goto(`${server.url}/dashboard/settings`);
      await page.locator('main button.danger').first().waitFor();
      measured.push(...(await contrasts(page, settingsStyles)));
      // The scheme really changed the colours.
      expect(measured.find((m) => m.name === 'body text')!.bg).toBe(scheme === 'light' ? '#f6f7f9' : '#12151c');
      expect(shortfalls(measured), JSON.stringify(measured, null, 1)).toEqual([]);
      await context.close();
    });
  }
});
