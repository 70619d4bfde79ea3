// Which company, if any, a reverse-DNS (PTR) name points to. Pure.
//
// A company's own egress often has a PTR under its domain (gw1.nyc.acme.com).
// Access providers name their customers' addresses too, but with tell-tale
// words or the address itself (pool-71-1-2-3.nycmny.fios.verizon.net), and
// those must never become a company.

import { parse } from 'tldts';
import type { NetworkKind } from './types.js';

export type PtrVerdict = { domain: string } | { ignored: 'invalid' | 'no_domain' | 'provider_domain' | 'isp_word' | 'ip_embedded' | 'provider_name' };

// Words ISPs and hosts put in customer hostnames. Matched as whole tokens of
// the labels left of the registrable domain, so "dsl" matches
// "dsl-1-2-3.x" but not "dslr" and "pool" does not match "liverpool".
const ISP_WORDS: ReadonlySet<string> = new Set([
  'dynamic',
  'dyn',
  'dynip',
  'pool',
  'dsl',
  'adsl',
  'vdsl',
  'xdsl',
  'sdsl',
  'cable',
  'cablemodem',
  'customer',
  'customers',
  'cust',
  'kunden',
  'static',
  'broadband',
  'dhcp',
  'ppp',
  'pppoe',
  'fiber',
  'fibre',
  'ftth',
  'fttx',
  'fttb',
  'fttp',
  'fios',
  'client',
  'clients',
  'subscriber',
  'subs',
  'residential',
  'resi',
  'dial',
  'dialup',
  'dialin',
  'mobile',
  'cellular',
  'wireless',
  'wifi',
  'wlan',
  'lte',
  'cgnat',
  'nat',
  'cpe',
  'modem',
  'hsd',
  'hsi',
  'dip',
  'abo',
  'user',
  'users',
  'home',
  'unassigned',
  'rev',
  'reverse',
  'vps',
  'vds',
  'hosted',
  'dedicated',
  'colo',
  'ec2',
  'compute',
  'cloud',
  'rdns',
  'ptr',
  'in-addr',
]);

// Words in the registrable domain itself that mark a provider (e.g.
// "xyz-telecom.com", "fastcable.net"), for small providers no list knows.
const PROVIDER_NAME = /telecom|telekom|broadband|cable|dsl|fib(er|re)|wireless|mobile|hosting|\bisp\b|\bvps\b/;

const MAX_NAME = 253;

/**
 * Verdict on one PTR name. `ipBytes` (4 or 16 bytes) lets the address
 * embedded in a provider-style name be recognized exactly.
 */
export function companyDomainFromPtr(name: string, providerDomains: ReadonlyMap<string, NetworkKind>, ipBytes?: Uint8Array): PtrVerdict {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME + 1) return { ignored: 'invalid' };
  const host = name.toLowerCase().replace(/\.$/, '');
  // ICANN suffixes only: private suffixes (compute-1.amazonaws.com) would
  // make every cloud customer hostname its own "domain".
  const r = parse(host, { allowPrivateDomains: false });
  if (r.isIp || !r.domain || !r.isIcann || !r.hostname) return { ignored: 'no_domain' };
  const domain = r.domain;

  // A known provider's domain, or any longer suffix listed (retail.telecomitalia.it).
  const labels = host.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const suffix = labels.slice(i).join('.');
    if (providerDomains.has(suffix)) return { ignored: 'provider_domain' };
    if (suffix === domain) break;
  }

  const sub = r.subdomain ?? '';
  // The address written into the name (1-2-3-4, 4.3.2.1, 01020304): an
  // address-per-customer naming scheme, which only providers use.
  if (sub && embedsAddress(sub, ipBytes)) return { ignored: 'ip_embedded' };

  // Provider words as tokens of the subdomain labels.
  for (const token of sub.split(/[^a-z]+/)) {
    if (token && ISP_WORDS.has(token)) return { ignored: 'isp_word' };
  }
  if (PROVIDER_NAME.test(r.domainWithoutSuffix ?? '')) return { ignored: 'provider_name' };
  return { domain };
}

function embedsAddress(sub: string, ipBytes?: Uint8Array): boolean {
  // Generic shape: three or more small numbers in a row separated by - . _
  // ("ip-10-1-2-3", "3.2.1.10.static") is how providers spell addresses.
  if (/(^|[^0-9])\d{1,3}[-._]\d{1,3}[-._]\d{1,3}([^0-9]|$)/.test(sub)) return true;
  if (ipBytes && ipBytes.length === 4) {
    // Hex spelling of the IPv4 address ("p5b1c2d3e.dip0.t-ipconnect.de").
    const hex = Array.from(ipBytes, (b) => b.toString(16).padStart(2, '0')).join('');
    if (sub.includes(hex)) return true;
    // Zero-padded decimal run ("host001002003004").
    const dec = Array.from(ipBytes, (b) => String(b).padStart(3, '0')).join('');
    if (sub.includes(dec)) return true;
  }
  // IPv6 spelled out in hex groups ("2001-db8-1-2-...").
  if (/([0-9a-f]{1,4}[-.]){4,}[0-9a-f]{1,4}/.test(sub) && /\d/.test(sub)) return true;
  return false;
}
