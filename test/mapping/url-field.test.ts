import { describe, expect, it } from 'vitest';
import { isHttpUrl, maxUrlFieldLength } from '../../packages/collector/src/mapping/url-field.js';

describe('isHttpUrl', () => {
  it('accepts http and https URLs that name a host', () => {
    expect(isHttpUrl('https://acme.com/logo.png')).toBe(true);
    expect(isHttpUrl('http://www.linkedin.com/company/acme')).toBe(true);
    expect(isHttpUrl('HTTPS://ACME.COM')).toBe(true);
  });

  it('refuses every other scheme, and text the URL parser would forgive', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>',
      'vbscript:x',
      'file:///etc/passwd',
      'ftp://acme.com',
      ' https://acme.com',
      '//acme.com',
      'https://',
      'acme.com',
      '',
    ]) {
      expect(isHttpUrl(text), text).toBe(false);
    }
  });

  it(`refuses URLs longer than ${maxUrlFieldLength} characters`, () => {
    expect(isHttpUrl(`https://acme.com/${'a'.repeat(maxUrlFieldLength - 17)}`)).toBe(true);
    expect(isHttpUrl(`https://acme.com/${'a'.repeat(maxUrlFieldLength - 16)}`)).toBe(false);
  });
});
