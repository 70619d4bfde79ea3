// Company domains from emails and from user-typed domains or URLs.
//
// An identify event's email names a company only when its domain belongs to
// one: free-mail (gmail.com, ISP mailboxes) and disposable domains name a
// person, and mapping their IPs to "gmail.com" would be a false company.

import { parse } from 'tldts';
import disposable from 'disposable-email-domains-js';
import { loadFreeMailDomains } from './free-mail.js';

// A safety net in case a list update drops a big provider: the largest
// free-mail domains worldwide, which must never become a company.
const BUILT_IN_FREE_MAIL: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'ymail.com',
  'rocketmail.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'tutanota.com',
  'tuta.io',
  'fastmail.com',
  'hey.com',
  'zoho.com',
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'web.de',
  't-online.de',
  'mail.com',
  'mail.ru',
  'yandex.ru',
  'yandex.com',
  'qq.com',
  '163.com',
  '126.com',
  'naver.com',
  'daum.net',
  'comcast.net',
  'verizon.net',
  'att.net',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
  'btinternet.com',
  'yahoo.co.uk',
  'yahoo.co.jp',
  'hotmail.co.uk',
  'hotmail.fr',
  'uol.com.br',
  'bol.com.br',
  'rediffmail.com',
]);

// RFC 2606 reserves these names for documentation. The installed free-mail
// list counts example.com as free-mail, but like the documentation IP ranges
// they must work in examples and tests (jane@example.com identifies example.com).
const DOCUMENTATION_DOMAINS: ReadonlySet<string> = new Set(['example.com', 'example.net', 'example.org']);

const FREE_MAIL = loadFreeMailDomains();
let disposableSet: Set<string> | null = null;

/** True when `domain` (lowercase) is a free-mail or disposable provider. */
export function isPersonalMailDomain(domain: string): boolean {
  if (DOCUMENTATION_DOMAINS.has(domain)) return false;
  if (BUILT_IN_FREE_MAIL.has(domain) || FREE_MAIL.has(domain)) return true;
  // The package builds a new Set on every check; build it once, on first use.
  disposableSet ??= disposable.disposableEmailBlocklistSet();
  return disposableSet.has(domain);
}

// Longer inputs are not domains or URLs anyone types; bounded before any regex.
const MAX_INPUT = 2048;
// Email addresses are at most 254 characters (RFC 5321 path limit).
const MAX_EMAIL = 254;

/** The registrable domain of a hostname, or null when it is not a real public name. */
function registrable(host: string): string | null {
  const r = parse(host, { allowPrivateDomains: true });
  // Only names under a known public suffix: "localhost", "intranet", ".local",
  // ".test" and IP literals are no company's domain.
  if (r.isIp || !r.domain || !(r.isIcann || r.isPrivate)) return null;
  return r.domain;
}

/**
 * Lowercase registrable domain from a domain, hostname or URL; scheme,
 * credentials, path, query, port, trailing dot and a "www." prefix removed.
 * Subdomains reduce to the registrable domain (shop.acme.co.uk -> acme.co.uk),
 * because a company is upserted once per domain. Private suffixes count
 * (acme.github.io stays itself rather than becoming github.io).
 * `https://www.Acme.com/about` -> `acme.com`.
 */
export function normalizeDomain(text: string): string | null {
  if (typeof text !== 'string') return null;
  let s = text.trim().toLowerCase();
  if (s.length === 0 || s.length > MAX_INPUT) return null;
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, ''); // scheme
  s = s.replace(/^\/\//, ''); // protocol-relative
  const cut = s.search(/[/?#]/);
  if (cut !== -1) s = s.slice(0, cut);
  const at = s.lastIndexOf('@');
  if (at !== -1) s = s.slice(at + 1); // user:pass@host
  s = s.replace(/:\d{1,5}$/, ''); // port
  s = s.replace(/\.$/, ''); // fully-qualified trailing dot
  if (s.startsWith('www.')) s = s.slice(4);
  if (s.length === 0 || s.length > 253) return null;
  return registrable(s);
}

/**
 * The company domain behind an email, or null for free-mail and disposable
 * providers and for anything that is not an address at a public domain.
 */
export function companyDomainFromEmail(email: string): string | null {
  if (typeof email !== 'string') return null;
  const e = email.trim().toLowerCase();
  if (e.length < 3 || e.length > MAX_EMAIL) return null;
  const at = e.lastIndexOf('@');
  if (at <= 0 || at === e.length - 1) return null;
  const host = e.slice(at + 1).replace(/\.$/, '');
  if (/[\s@/\\:?#[\]<>,;"']/.test(host)) return null; // no ports, paths, lists or spaces in an address
  const domain = registrable(host);
  if (!domain) return null;
  // Both the host and its registrable domain are checked: lists name hosts
  // like "mail.ru" and also country variants under shared registrable domains.
  if (isPersonalMailDomain(host) || isPersonalMailDomain(domain)) return null;
  return domain;
}
