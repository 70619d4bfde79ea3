import { list } from 'isbot';
import { describe, expect, it } from 'vitest';
import { isRecognisedBot, shapeOnlyPatterns } from '../../packages/collector/src/collect/bot-evidence.js';

const chrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('bots by evidence', () => {
  it('names a crawler, a headless browser, an automation tool or an HTTP library as a bot', () => {
    for (const ua of [
      'Googlebot/2.1 (+http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
      'Playwright/1.40',
      'curl/8.0',
      'python-requests/2.31',
    ]) {
      expect(isRecognisedBot(ua), ua).toBe(true);
    }
  });

  it('does not call a placeholder, an empty or an unusual string a bot', () => {
    for (const ua of ['Mozilla/5.0 ...', 'Mozilla/5.0', 'unknown', '', 'Salesforce CRM import', chrome]) expect(isRecognisedBot(ua), ua).toBe(false);
  });

  it('leaves out only patterns isbot still has, so an isbot upgrade that changes them shows here', () => {
    expect(shapeOnlyPatterns.filter((pattern) => !list.includes(pattern))).toEqual([]);
  });
});
