import { recordCompanyPageView, type CompanyProfileInput } from './companies.js';
import { upsertContact, type ContactInput } from './contacts.js';
import type { Db } from './db.js';
import { putIdentityRange } from './identity.js';
import { ensureSiteNumber, originNumber, packId } from './keys.js';
import { prepared } from './prepared.js';
import { findVisitor, linkVisitorContact, recordVisitorPageView, sessionFor } from './visitors.js';

/** A page view ready to store: every field already validated and enriched. */
export interface PageViewRecord {
  kind: 'pageview';
  siteId: string;
  visitorId: string;
  pageViewId: string;
  ts: number;
  url: string;
  path: string;
  query: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null; term: string | null; content: string | null };
  referrer: string | null;
  referrerDomain: string | null;
  title: string | null;
  screenWidth: number | null;
  ip: string | null;
  country: string | null;
  asn: number | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  isBot: boolean;
  company: CompanyProfileInput | null;
  source: 'tracker' | 'ingest';
  /** Set by ingest: the engaged duration is known up front. */
  engagedMs?: number;
}

export interface EngagementRecord {
  kind: 'engagement';
  siteId: string;
  pageViewId: string;
  ts: number;
  engagedMs: number;
}

export interface IdentifyRecord {
  kind: 'identify';
  siteId: string;
  visitorId: string;
  ts: number;
  ip: string | null;
  contact: ContactInput;
  /** The IP as a single-address identity range, when the email's domain is a company's. */
  identityRange: { lo: string; hi: string; prefix: number } | null;
}

export type EventRecord = PageViewRecord | EngagementRecord | IdentifyRecord;

export interface WriteOutcome {
  duplicate: boolean;
  /** Company whose aggregates changed and needs rescoring. */
  companyId: string | null;
  /** The site's identity data changed: resolution caches for it are stale. */
  identityChanged: boolean;
  /** A company or contact this event created, for the operator's log (never an email address). */
  first?: FirstRecord;
}

export type FirstRecord =
  { kind: 'company'; siteId: string; companyId: string; domain: string; name: string | null } | { kind: 'contact'; siteId: string; contactId: string };

/** Writes one event. Call inside a transaction: the batch writer wraps a batch in one. */
export function writeEvent(db: Db, record: EventRecord): WriteOutcome {
  switch (record.kind) {
    case 'pageview':
      return writePageView(db, record);
    case 'engagement':
      return writeEngagement(db, record);
    case 'identify':
      return writeIdentify(db, record);
    default:
      return record satisfies never;
  }
}

/**
 * A page view's URL as page_view_rows keeps it: the number of its origin when the URL is
 * that origin, the path and the query, so the URL itself need not be stored ('': see the
 * page_views view); otherwise the URL as is (a NULL one is refused by the table).
 */
function urlParts(db: Db, r: PageViewRecord): { origin: number | null; url: string } {
  const tail = r.query === null ? r.path : `${r.path}?${r.query}`;
  if (typeof r.url !== 'string' || !r.url.endsWith(tail)) return { origin: null, url: r.url };
  return { origin: originNumber(db, r.url.slice(0, r.url.length - tail.length)), url: '' };
}

function writePageView(db: Db, r: PageViewRecord): WriteOutcome {
  const site = ensureSiteNumber(db, r.siteId);
  const pvId = packId(r.pageViewId);
  // A resent beacon, or a page view ingested twice: nothing is written.
  if (prepared<[number, string | Buffer], number>(db, 'SELECT 1 FROM page_view_rows WHERE site = ? AND pv_id = ?').pluck(true).get(site, pvId)) {
    return { duplicate: true, companyId: null, identityChanged: false };
  }
  const stored = findVisitor(db, r.siteId, r.visitorId);
  const session = sessionFor(stored, r.ts);
  const company = r.company
    ? recordCompanyPageView(db, r.siteId, r.company, {
        ts: r.ts,
        visitorId: r.visitorId,
        path: r.path,
        newSession: session.isNew,
        isBot: r.isBot,
        engagedMs: r.engagedMs ?? 0,
      })
    : null;
  const visitor = recordVisitorPageView(
    db,
    {
      siteId: r.siteId,
      visitorId: r.visitorId,
      ts: r.ts,
      sessionId: session.sessionId,
      newSession: session.isNew && session.known,
      ip: r.ip,
      country: r.country,
      browser: r.browser,
      os: r.os,
      device: r.device,
      isBot: r.isBot,
      company: company?.num ?? null,
    },
    stored,
  );
  const { origin, url } = urlParts(db, r);
  // Positional parameters: binding 28 named ones looked each name up on the object, a few % of the writer's time.
  prepared(
    db,
    `INSERT INTO page_view_rows (site, pv_id, visitor, session_id, ts, is_bot, company, engaged_ms, origin, url, path, query,
                                 utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, referrer_domain, title, screen_width,
                                 ip, country, asn, browser, os, device, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    site,
    pvId,
    visitor,
    session.sessionId,
    r.ts,
    r.isBot ? 1 : 0,
    company?.num ?? null,
    r.engagedMs ?? 0,
    origin,
    url,
    r.path,
    r.query,
    r.utm.source,
    r.utm.medium,
    r.utm.campaign,
    r.utm.term,
    r.utm.content,
    r.referrer,
    r.referrerDomain,
    r.title,
    r.screenWidth,
    r.ip,
    r.country,
    r.asn,
    r.browser,
    r.os,
    r.device,
    r.source === 'tracker' ? null : r.source,
  );
  // Bots are stored for the record but never count towards a company's score.
  const outcome: WriteOutcome = { duplicate: false, companyId: r.isBot || !company ? null : company.id, identityChanged: false };
  if (company?.created && r.company) outcome.first = { kind: 'company', siteId: r.siteId, companyId: company.id, domain: r.company.domain, name: r.company.name ?? null };
  return outcome;
}

function writeEngagement(db: Db, r: EngagementRecord): WriteOutcome {
  const site = ensureSiteNumber(db, r.siteId);
  const row = prepared<unknown[], { company: number | null; is_bot: number }>(
    db,
    'UPDATE page_view_rows SET engaged_ms = engaged_ms + ? WHERE site = ? AND pv_id = ? RETURNING company, is_bot',
  ).get(r.engagedMs, site, packId(r.pageViewId));
  if (!row) {
    prepared(db, 'INSERT INTO orphan_engagements (site_id, pv_id, ms, ts) VALUES (?, ?, ?, ?)').run(r.siteId, r.pageViewId, r.engagedMs, r.ts);
    return { duplicate: false, companyId: null, identityChanged: false };
  }
  if (row.company === null || row.is_bot || r.engagedMs === 0) return { duplicate: false, companyId: null, identityChanged: false };
  const companyId = prepared<[number, number], string>(db, 'UPDATE companies SET engaged_ms = engaged_ms + ? WHERE num = ? RETURNING id')
    .pluck(true)
    .get(r.engagedMs, row.company);
  return { duplicate: false, companyId: companyId ?? null, identityChanged: false };
}

function writeIdentify(db: Db, r: IdentifyRecord): WriteOutcome {
  const contact = upsertContact(db, r.siteId, r.contact, 'identify', r.ts);
  linkVisitorContact(db, r.siteId, r.visitorId, contact.id, r.ts, r.ip);
  const first: FirstRecord | undefined = contact.created ? { kind: 'contact', siteId: r.siteId, contactId: contact.id } : undefined;
  if (!r.identityRange || !r.contact.companyDomain) return { duplicate: false, companyId: null, identityChanged: false, first };
  putIdentityRange(db, { siteId: r.siteId, ...r.identityRange, companyDomain: r.contact.companyDomain, source: 'identify' }, r.ts);
  return { duplicate: false, companyId: null, identityChanged: true, first };
}
