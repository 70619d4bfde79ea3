import type { EventRecord } from '../store/events.js';
import type { NetworkKind } from '../resolve/types.js';
import type { CollectEvent } from './event.js';
import type { PageUrl } from './page-url.js';

/**
 * Addresses on these networks are shared by strangers (carrier NAT, home lines
 * reassigned daily, VPN exits, campus networks): one person identifying there
 * must not turn everyone else behind the address into their company.
 */
const sharedNetworkKinds = new Set<NetworkKind>(['isp', 'mobile', 'hosting', 'cdn', 'vpn', 'education']);

const utmKeys = ['source', 'medium', 'campaign', 'term', 'content'] as const;

const noUtm = Object.freeze({ source: null, medium: null, campaign: null, term: null, content: null });

function utmOf(url: PageUrl) {
  // Most page views carry no campaign: skip building URLSearchParams for them ('utm', not 'utm_': a key may spell its underscore %5F).
  if (!url.search.includes('utm')) return noUtm;
  const utm = { source: null, medium: null, campaign: null, term: null, content: null } as Record<(typeof utmKeys)[number], string | null>;
  const params = new URLSearchParams(url.search);
  for (const key of utmKeys) utm[key] = params.get(`utm_${key}`)?.slice(0, 256) || null;
  return utm;
}

/** Referrers from the page's own site are navigation, not traffic sources. */
function referrerDomain(referrer: PageUrl | null, page: PageUrl): string | null {
  if (!referrer || referrer.hostname === page.hostname) return null;
  return referrer.hostname.replace(/^www\./, '');
}

export interface IdentityHelpers {
  companyDomainFromEmail: (email: string) => string | null;
  singleAddressRange: (ip: string) => { lo: string; hi: string; prefix: number } | null;
}

/** Turns an enriched beacon into the record the store writes. */
export function toRecord(event: CollectEvent, identity: IdentityHelpers): EventRecord {
  const { wire } = event;
  const siteId = event.site!.id;
  const visitorId = event.visitorId!;
  switch (wire.name) {
    case 'pageview': {
      const network = event.network;
      return {
        kind: 'pageview',
        siteId,
        visitorId,
        pageViewId: wire.pageViewId,
        ts: event.receivedAt,
        url: wire.url.href,
        path: wire.url.pathname,
        query: wire.url.search ? wire.url.search.slice(1) : null,
        utm: utmOf(wire.url),
        referrer: wire.referrer?.href ?? null,
        referrerDomain: referrerDomain(wire.referrer, wire.url),
        title: wire.title,
        screenWidth: wire.screenWidth,
        ip: event.ip,
        country: network?.country ?? null,
        asn: network?.asn ?? null,
        browser: event.client?.browser ?? null,
        os: event.client?.os ?? null,
        device: event.client?.device ?? null,
        isBot: event.isBot ?? false,
        company: network?.company ?? null,
        source: 'tracker',
      };
    }
    case 'engagement':
      return { kind: 'engagement', siteId, pageViewId: wire.pageViewId, ts: event.receivedAt, engagedMs: wire.engagedMs };
    case 'identify': {
      const companyDomain = identity.companyDomainFromEmail(wire.traits.email);
      return {
        kind: 'identify',
        siteId,
        visitorId,
        ts: event.receivedAt,
        ip: event.ip,
        contact: {
          email: wire.traits.email,
          firstName: wire.traits.firstName,
          lastName: wire.traits.lastName,
          jobTitle: wire.traits.jobTitle,
          phone: wire.traits.phone,
          linkedinUrl: wire.traits.linkedinUrl,
          companyName: wire.traits.company,
          companyDomain,
        },
        // A bot's address says nothing about the company behind a person.
        identityRange:
          companyDomain && !event.isBot && !sharedNetworkKinds.has(event.network?.networkKind ?? 'unknown') ? identity.singleAddressRange(event.ip) : null,
      };
    }
    default:
      return wire satisfies never;
  }
}
