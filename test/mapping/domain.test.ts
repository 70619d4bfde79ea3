import { describe, expect, it } from 'vitest';
import { companyDomainOrNull, domainAndParents, normalizeCompanyDomain } from '../../packages/collector/src/mapping/domain.js';

const ok = (domain: string) => ({ ok: true, domain });
const no = (reason: string) => ({ ok: false, reason });

describe('normalizeCompanyDomain', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['  ACME.com ', 'acme.com'],
    ['https://user:pw@WWW.Acme.com:8443/about?x=1#top', 'acme.com'],
    ['http://acme.com', 'acme.com'],
    ['//acme.com/path', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['www.acme.co.uk', 'acme.co.uk'],
    ['eu.acme.com', 'eu.acme.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['https://www.BÜCHER.de/', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['acme.github.io', 'acme.github.io'],
    ['acme.com:443', 'acme.com'],
  ])('turns %j into %j', (input, domain) => {
    expect(normalizeCompanyDomain(input)).toEqual(ok(domain));
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['https://', 'empty'],
    ['x'.repeat(2001), 'too_long'],
    [`${'a'.repeat(60)}.`.repeat(5) + 'com', 'too_long'],
    ['127.0.0.1', 'ip_address'],
    ['http://10.0.0.1:8080/x', 'ip_address'],
    ['[::1]', 'ip_address'],
    ['http://[::ffff:127.0.0.1]/', 'ip_address'],
    ['2130706433', 'ip_address'],
    ['10.1', 'ip_address'],
    ['localhost', 'single_label'],
    ['intranet.', 'single_label'],
    ['com', 'single_label'],
    ['co.uk', 'public_suffix'],
    ['www.co.uk', 'public_suffix'],
    ['com.au', 'public_suffix'],
    ['a..b', 'malformed'],
    ['-acme.com', 'malformed'],
    ['acme_corp.com', 'malformed'],
    ['acme.com:abc', 'malformed'],
    ['acme com', 'malformed'],
  ])('refuses %j as %s', (input, reason) => {
    expect(normalizeCompanyDomain(input)).toEqual(no(reason));
  });

  it('answers null for callers that only refuse', () => {
    expect(companyDomainOrNull('WWW.acme.com')).toBe('acme.com');
    expect(companyDomainOrNull('co.uk')).toBeNull();
  });
});

describe('domainAndParents', () => {
  it('lists a host and every parent domain', () => {
    expect(domainAndParents('a.eu.acme.com')).toEqual(['a.eu.acme.com', 'eu.acme.com', 'acme.com', 'com']);
    expect(domainAndParents('acme.com')).toEqual(['acme.com', 'com']);
  });
});
