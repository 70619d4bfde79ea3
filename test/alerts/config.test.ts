import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../packages/collector/src/config.js';

describe('the alert settings of the environment', () => {
  it('reads SMTP as a pair, and refuses half of one', () => {
    expect(loadConfig({}).smtp).toBeNull();
    expect(loadConfig({ CLEARVIEW_SMTP_URL: 'smtp://mail.example.com:587', CLEARVIEW_SMTP_FROM: 'ClearView <a@example.com>' }).smtp).toEqual({
      url: 'smtp://mail.example.com:587',
      from: 'ClearView <a@example.com>',
    });
    expect(() => loadConfig({ CLEARVIEW_SMTP_URL: 'smtp://mail.example.com' })).toThrow('CLEARVIEW_SMTP_URL and CLEARVIEW_SMTP_FROM go together');
    expect(() => loadConfig({ CLEARVIEW_SMTP_URL: 'http://mail.example.com', CLEARVIEW_SMTP_FROM: 'a@example.com' })).toThrow('smtp:// or smtps://');
  });

  it('takes CLEARVIEW_PUBLIC_URL without its trailing slash, ignores one that is not a URL with a warning, and lifts the guard only when asked', () => {
    expect(loadConfig({ CLEARVIEW_PUBLIC_URL: 'https://cv.example.com/' }).publicUrl).toBe('https://cv.example.com');
    const notAUrl = loadConfig({ CLEARVIEW_PUBLIC_URL: 'cv.example.com' });
    expect(notAUrl.publicUrl).toBeNull();
    expect(notAUrl.warnings).toContain('CLEARVIEW_PUBLIC_URL "cv.example.com" is not an http(s) URL; ignored');
    expect(loadConfig({}).allowPrivateWebhooks).toBe(false);
    expect(loadConfig({ CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '0' }).allowPrivateWebhooks).toBe(false);
    expect(loadConfig({ CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS: '1' }).allowPrivateWebhooks).toBe(true);
  });
});
