import { botByNetwork } from '../resolve/classify.js';
import type { NetworkKind } from '../resolve/types.js';
import type { EventRecord, PageViewRecord } from '../store/events.js';
import type { CollectEvent, NetworkResolution } from './event.js';
import { isHttpUrl } from '../mapping/url-field.js';

/**
 * Addresses on these networks are shared by strangers (carrier NAT, home lines
 * reassigned daily, VPN exits, campus networks): one person identifying there
 * must not turn everyone else behind the address into their company.
 */
const sharedNetworkKinds = new Set<NetworkKind>(['isp', 'mobile', 'hosting', 'cdn', 'vpn', 'education']);

const utmKeys = ['source', 'medium', 'campaign', 'term', 'content'] as const;

const noUtm = Object.freeze({ source: null, medium: null, campaign: null, term: null, content: null });

function utmOf(search: string): PageViewRecord['utm'] {
  // Most page views carry no campaign: skip building URLSearchParams for them ('utm', not 'utm_': a key may spell its underscore %5F).
  if (!search.includes('utm')) return noUtm;
  const utm = { source: null, medium: null, campaign: null, term: null, content: null } as Record<(typeof utmKeys)[number], string | null>;
  const params = new URLSearchParams(search);
  for (const key of utmKeys) utm[key] = params.get(`utm_${key}`)?.slice(0, 256) || null;
  return utm;
}

/** Referrers from the page's own site are navigation, not traffic sources. */
function referrerDomain(referrerHost: string | null, pageHost: string | null): string | null {
  if (!referrerHost || referrerHost === pageHost) return null;
  return referrerHost.replace(/^www\./, '') || null;
}

/** What both the beacon path and ingest know of a page view before it is a record. */
export interface PageViewFacts {
  siteId: string;
  visitorId: string;
  pageViewId: string;
  ts: number;
  /** The page: href as stored; hostname null when only a path is known (ingest). */
  url: { href: string; hostname: string | null; pathname: string; search: string };
  /** The referrer as stored, and its host when it has one. */
  referrer: { href: string; hostname: string | null } | null;
  title: string | null;
  screenWidth: number | null;
  ip: string;
  network: NetworkResolution | null;
  client: { browser: string | null; os: string | null; device: string } | null;
  /** The user agent is a bot's. */
  botUserAgent: boolean;
  source: PageViewRecord['source'];
  engagedMs?: number;
}

/** The one page-view record builder: campaign, referrer, bot and company rules are written here only. */
export function pageViewRecord(f: PageViewFacts): PageViewRecord {
  const network = f.network;
  const record: PageViewRecord = {
    kind: 'pageview',
    siteId: f.siteId,
    visitorId: f.visitorId,
    pageViewId: f.pageViewId,
    ts: f.ts,
    url: f.url.href,
    path: f.url.pathname,
    query: f.url.search ? f.url.search.slice(1) : null,
    utm: utmOf(f.url.search),
    referrer: f.referrer?.href ?? null,
    referrerDomain: referrerDomain(f.referrer?.hostname ?? null, f.url.hostname),
    title: f.title,
    screenWidth: f.screenWidth,
    ip: f.ip,
    country: network?.country ?? null,
    asn: network?.asn ?? null,
    browser: f.client?.browser ?? null,
    os: f.client?.os ?? null,
    device: f.client?.device ?? null,
    isBot: f.botUserAgent || (network !== null && botByNetwork(network)),
    company: network?.company ?? null,
    source: f.source,
  };
  if (f.engagedMs !== undefined) record.engagedMs = f.engagedMs;
  return record;
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
    case 'pageview':
      return pageViewRecord({
        siteId,
        visitorId,
        pageViewId: wire.pageViewId,
        ts: event.receivedAt,
        url: wire.url,
        referrer: wire.referrer,
        title: wire.title,
        screenWidth: wire.screenWidth,
        ip: event.ip,
        network: event.network ?? null,
        client: event.client ?? null,
        botUserAgent: event.isBot ?? false,
        source: 'tracker',
      });
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
          // Identify beacons carry the public site key: a URL that is not http(s) is dropped, not refused.
          linkedinUrl: wire.traits.linkedinUrl && isHttpUrl(wire.traits.linkedinUrl) ? wire.traits.linkedinUrl : null,
          companyName: wire.traits.company,
          companyDomain,
        },
        // A bot's address says nothing about the company behind a person.
        identityRange: companyDomain && !event.isBot && !sharedNetworkKinds.has(event.network?.networkKind ?? 'unknown') ? identity.singleAddressRange(event.ip) : null,
      };
    }
    default:
      return wire satisfies never;
  }
}
