// Shared types of the IP-to-company resolver.

/**
 * What kind of network an autonomous system is.
 * - business: an organization's own network (curated enterprise AS or a name that says so)
 * - isp: fixed-line consumer/business access provider (cable, DSL, fibre)
 * - mobile: mobile carrier (CGNAT: thousands of subscribers per address)
 * - hosting: hosting, cloud, data centre (servers, crawlers, headless browsers)
 * - cdn: content delivery / edge networks (proxies, edge workers, privacy relays)
 * - vpn: commercial VPN and proxy providers
 * - education: universities, schools and research networks
 * - government: public administration and military networks
 * - unknown: no rule matched, or the address is not in the AS data
 */
export type NetworkKind = 'business' | 'isp' | 'mobile' | 'hosting' | 'cdn' | 'vpn' | 'education' | 'government' | 'unknown';

export const NETWORK_KINDS: readonly NetworkKind[] = ['business', 'isp', 'mobile', 'hosting', 'cdn', 'vpn', 'education', 'government', 'unknown'];

export interface CompanyProfile {
  domain: string;
  name?: string;
  industry?: string;
  size?: string;
  employeeCount?: number;
  revenue?: string;
  country?: string;
  city?: string;
  region?: string;
}

/**
 * Why a resolution came out as it did. Closed: metrics and the API use these
 * names, never free text.
 * - invalid: the text is not an IP address
 * - reserved: private, loopback, link-local, CGNAT, multicast or other non-public space
 * - identity: the site's own identity data (ingested visitors, identify events) names the company
 * - enterprise: the AS is in the curated enterprise table
 * - rdns: the reverse-DNS name belongs to a company domain
 * - not_company: the AS is an ISP, carrier, host, CDN, VPN or school (see networkKind)
 * - rdns_pending: nothing matched yet and a reverse-DNS lookup is in flight; a later call may resolve
 * - no_match: the network could be a company's but nothing identifies which
 * - unknown_network: the address is in no AS data (unrouted, or a documentation range)
 */
export type ResolveReason = 'invalid' | 'reserved' | 'identity' | 'enterprise' | 'rdns' | 'not_company' | 'rdns_pending' | 'no_match' | 'unknown_network';

export const RESOLVE_REASONS: readonly ResolveReason[] = [
  'invalid',
  'reserved',
  'identity',
  'enterprise',
  'rdns',
  'not_company',
  'rdns_pending',
  'no_match',
  'unknown_network',
];

export type ResolveSource = 'identity' | 'enterprise' | 'rdns';

export interface Resolution {
  /** Normalized address text (the input text when invalid). */
  ip: string;
  asn: number | null;
  asOrg: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  /** Only with an operator-supplied city database. */
  region: string | null;
  city: string | null;
  networkKind: NetworkKind;
  /** Hosting, cloud or VPN network: raises the bot signal (CDN egress is mostly people: iCloud Private Relay). */
  hostingSignal: boolean;
  company: CompanyProfile | null;
  source: ResolveSource | null;
  reason: ResolveReason;
  /** Name of the classification rule that decided networkKind (for debugging and the API). */
  networkRule: string | null;
}
