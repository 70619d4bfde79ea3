import type { PageViewRecord } from '../../packages/collector/src/store/events.js';

/** A page view as the store receives it, every field filled; tests override what they look at. */
export function pageViewRecord(siteId: string, pageViewId: string, overrides: Partial<PageViewRecord> = {}): PageViewRecord {
  return {
    kind: 'pageview',
    siteId,
    visitorId: 'visitor_0001',
    pageViewId,
    ts: Date.parse('2026-11-23T10:00:00Z'),
    url: 'https://example.com/pricing',
    path: '/pricing',
    query: null,
    utm: { source: null, medium: null, campaign: null, term: null, content: null },
    referrer: null,
    referrerDomain: null,
    title: null,
    screenWidth: null,
    ip: '198.51.100.7',
    country: null,
    asn: null,
    browser: 'Chrome',
    os: 'Mac OS',
    device: 'desktop',
    isBot: false,
    company: null,
    source: 'tracker',
    ...overrides,
  };
}
