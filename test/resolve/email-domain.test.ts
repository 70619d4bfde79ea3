import { describe, expect, it } from 'vitest';
import { companyDomainFromEmail, isPersonalMailDomain, normalizeDomain } from '../../packages/collector/src/resolve/email-domain.js';

describe('companyDomainFromEmail', () => {
  it('gives the registrable domain of a company address, lowercased', () => {
    expect(companyDomainFromEmail('Jane.Doe@Acme.com')).toBe('acme.com');
    expect(companyDomainFromEmail('ops@mail.acme.co.uk')).toBe('acme.co.uk');
    expect(companyDomainFromEmail('  bob@initech.io  ')).toBe('initech.io');
  });

  it('returns null for free-mail providers, from the installed list and the built-in safety net', () => {
    for (const email of [
      'x@gmail.com',
      'x@GoogleMail.com',
      'x@yahoo.co.jp',
      'x@hotmail.fr',
      'x@outlook.com',
      'x@icloud.com',
      'x@proton.me',
      'x@gmx.de',
      'x@mail.ru',
      'x@qq.com',
      'x@comcast.net',
      'x@orange.fr',
    ]) {
      expect(companyDomainFromEmail(email), email).toBeNull();
    }
  });

  it('returns null for disposable-mail providers', () => {
    expect(companyDomainFromEmail('x@mailinator.com')).toBeNull();
    expect(isPersonalMailDomain('mailinator.com')).toBe(true);
  });

  it('keeps the RFC 2606 documentation domains usable in examples', () => {
    expect(companyDomainFromEmail('jane@example.com')).toBe('example.com');
    expect(isPersonalMailDomain('example.org')).toBe(false);
  });

  it('returns null for anything that is not an address at a public domain', () => {
    for (const bad of [
      '',
      'jane',
      '@acme.com',
      'jane@',
      'jane@localhost',
      'jane@acme',
      'jane@acme.test',
      'jane@[192.0.2.1]',
      'jane@192.0.2.1',
      'jane@acme.com:25',
      'a b@acme.com x',
      `${'a'.repeat(250)}@acme.com`,
    ]) {
      expect(companyDomainFromEmail(bad), bad).toBeNull();
    }
    expect(companyDomainFromEmail(null as unknown as string)).toBeNull();
  });
});

describe('normalizeDomain', () => {
  it('strips scheme, www, path, port, credentials and the trailing dot', () => {
    expect(normalizeDomain('https://www.Acme.com/about')).toBe('acme.com');
    expect(normalizeDomain('http://user:pw@shop.acme.co.uk:8443/x?y#z')).toBe('acme.co.uk');
    expect(normalizeDomain('ACME.COM.')).toBe('acme.com');
    expect(normalizeDomain('//cdn.acme.com/a.js')).toBe('acme.com');
    expect(normalizeDomain('acme.com:8080')).toBe('acme.com');
  });

  it('reduces subdomains to the registrable domain, counting private suffixes', () => {
    expect(normalizeDomain('eu.app.acme.com')).toBe('acme.com');
    expect(normalizeDomain('acme.github.io')).toBe('acme.github.io');
  });

  it('returns null for IPs, single labels, unknown suffixes and empty input', () => {
    for (const bad of ['', '   ', '192.0.2.1', 'localhost', 'intranet', 'acme.local', 'https://', 'x'.repeat(3000)]) {
      expect(normalizeDomain(bad), bad).toBeNull();
    }
  });
});
