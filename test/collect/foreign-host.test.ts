import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../../packages/collector/src/collect/steps/drop-foreign-host.js';

describe('a page host', () => {
  const domains = ['example.com', 'acme.io'];

  it('passes when it is a registered domain or a subdomain of one', () => {
    expect(hostAllowed('example.com', domains)).toBe(true);
    expect(hostAllowed('www.example.com', domains)).toBe(true);
    expect(hostAllowed('eu.app.acme.io', domains)).toBe(true);
  });

  it('is refused when it only ends with the same letters, or merely contains the domain', () => {
    expect(hostAllowed('evilexample.com', domains)).toBe(false);
    expect(hostAllowed('example.com.evil.net', domains)).toBe(false);
    expect(hostAllowed('xacme.io', domains)).toBe(false);
    expect(hostAllowed('com', domains)).toBe(false);
    expect(hostAllowed('example.org', [])).toBe(false);
  });
});
