import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { getPublicSuffix } from 'tldts';

/** Why a value is not a company domain; the watch list's bulk answer lists these beside each value. */
export type DomainRejection = 'empty' | 'too_long' | 'malformed' | 'ip_address' | 'single_label' | 'public_suffix';

export type DomainResult = { ok: true; domain: string } | { ok: false; reason: DomainRejection };

/** The rejections in words, for error messages. */
export const domainRejectionText: Record<DomainRejection, string> = {
  empty: 'is empty',
  too_long: 'is longer than a domain name can be',
  malformed: 'is not a domain name',
  ip_address: 'is an IP address, not a domain name',
  single_label: 'has a single label; give a full domain such as acme.com',
  public_suffix: 'is a public suffix, which no one company owns',
};

// Inputs are bounded before any pattern runs; a URL with a long path is still a fine input.
const MAX_INPUT = 2_000;
const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * One company domain from what people paste: a domain, a host name or a URL.
 * `https://user@WWW.Acme.com:8443/about` -> `acme.com`; `bücher.de` -> `xn--bcher-kva.de`.
 * Subdomains are kept (`eu.acme.com` stays itself): a watched subdomain is narrower than its parent.
 */
export function normalizeCompanyDomain(input: string): DomainResult {
  let s = input.trim().toLowerCase();
  if (s === '') return { ok: false, reason: 'empty' };
  if (s.length > MAX_INPUT) return { ok: false, reason: 'too_long' };
  // A scheme, or a protocol-relative start: what follows up to a path is the authority.
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\/\//, '');
  const cut = s.search(/[/?#\\]/);
  if (cut !== -1) s = s.slice(0, cut);
  // Credentials (user:pass@) are never part of the host; the last @ ends them.
  s = s.slice(s.lastIndexOf('@') + 1);
  // A bracketed host is an IPv6 literal, whatever port follows.
  if (s.startsWith('[')) return { ok: false, reason: 'ip_address' };
  s = s.replace(/:\d{0,5}$/, '');
  // A fully qualified name's trailing dot names the same host.
  s = s.replace(/\.$/, '');
  if (s === '') return { ok: false, reason: 'empty' };
  if (isIP(s) !== 0) return { ok: false, reason: 'ip_address' };
  // IDN to punycode, as DNS and the companies table spell it; '' when the name cannot be encoded.
  const ascii = domainToASCII(s);
  if (ascii === '') return { ok: false, reason: 'malformed' };
  s = ascii;
  // www. is the same company as the bare domain.
  if (s.startsWith('www.')) s = s.slice(4);
  if (s.length > 253) return { ok: false, reason: 'too_long' };
  const labels = s.split('.');
  if (!labels.every((l) => label.test(l))) return { ok: false, reason: 'malformed' };
  // An all-numeric name (10.1, 2130706433) is an address in another spelling.
  if (labels.every((l) => /^\d+$/.test(l))) return { ok: false, reason: 'ip_address' };
  // A single label (localhost, intranet) is no company's name on the internet.
  if (labels.length === 1) return { ok: false, reason: 'single_label' };
  // co.uk or com.au belong to registries, not to a company; ICANN suffixes only, so acme.github.io stays valid.
  if (getPublicSuffix(s, { allowPrivateDomains: false }) === s) return { ok: false, reason: 'public_suffix' };
  return { ok: true, domain: s };
}

/** The domain, or null when the value is not one: for callers that only need to refuse. */
export function companyDomainOrNull(input: string): string | null {
  const result = normalizeCompanyDomain(input);
  return result.ok ? result.domain : null;
}

/**
 * The watched domains that cover a host: the host itself and each parent domain
 * (`eu.acme.com` -> `eu.acme.com`, `acme.com`, `com`); the caller looks each up in a set.
 */
export function domainAndParents(host: string): string[] {
  const out = [host];
  for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1)) out.push(host.slice(i + 1));
  return out;
}
