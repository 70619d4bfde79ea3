import { addCompanyEngagement, addCompanyPageView, upsertSeenCompany, type CompanyProfileInput } from './companies.js';
import { upsertContact, type ContactInput } from './contacts.js';
import type { Db } from './db.js';
import { putIdentityRange } from './identity.js';
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
}

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

function writePageView(db: Db, r: PageViewRecord): WriteOutcome {
  const stored = findVisitor(db, r.siteId, r.visitorId);
  const session = sessionFor(stored, r.ts);
  const companyId = r.company ? upsertSeenCompany(db, r.siteId, r.company, r.ts) : null;
  // Positional parameters: binding 27 named ones looked each name up on the object, a few % of the writer's time.
  const inserted = prepared(
    db,
    `INSERT INTO page_views (site_id, pv_id, visitor_id, session_id, ts, url, path, query, utm_source, utm_medium, utm_campaign, utm_term,
                             utm_content, referrer, referrer_domain, title, screen_width, ip, country, asn, browser, os, device, is_bot,
                             company_id, engaged_ms, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site_id, pv_id) DO NOTHING`,
  ).run(
    r.siteId,
    r.pageViewId,
    r.visitorId,
    session.sessionId,
    r.ts,
    r.url,
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
    r.isBot ? 1 : 0,
    companyId,
    r.engagedMs ?? 0,
    r.source,
  ).changes;
  // A resent beacon: the company row was only touched by an idempotent upsert.
  if (inserted === 0) return { duplicate: true, companyId: null, identityChanged: false };
  recordVisitorPageView(
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
      companyId,
    },
    stored,
  );
  // Bots are stored for the record but never count towards a company or its score.
  if (!companyId || r.isBot) return { duplicate: false, companyId: null, identityChanged: false };
  addCompanyPageView(db, companyId, { visitorId: r.visitorId, path: r.path, newSession: session.isNew });
  if (r.engagedMs) addCompanyEngagement(db, companyId, r.engagedMs);
  return { duplicate: false, companyId, identityChanged: false };
}

function writeEngagement(db: Db, r: EngagementRecord): WriteOutcome {
  const row = prepared<unknown[], { company_id: string | null; is_bot: number }>(
    db,
    'UPDATE page_views SET engaged_ms = engaged_ms + ? WHERE site_id = ? AND pv_id = ? RETURNING company_id, is_bot',
  ).get(r.engagedMs, r.siteId, r.pageViewId);
  if (!row) {
    prepared(db, 'INSERT INTO orphan_engagements (site_id, pv_id, ms, ts) VALUES (?, ?, ?, ?)').run(r.siteId, r.pageViewId, r.engagedMs, r.ts);
    return { duplicate: false, companyId: null, identityChanged: false };
  }
  if (!row.company_id || row.is_bot || r.engagedMs === 0) return { duplicate: false, companyId: null, identityChanged: false };
  addCompanyEngagement(db, row.company_id, r.engagedMs);
  return { duplicate: false, companyId: row.company_id, identityChanged: false };
}

function writeIdentify(db: Db, r: IdentifyRecord): WriteOutcome {
  const contact = upsertContact(db, r.siteId, r.contact, 'identify', r.ts);
  linkVisitorContact(db, r.siteId, r.visitorId, contact.id, r.ts, r.ip);
  if (!r.identityRange || !r.contact.companyDomain) return { duplicate: false, companyId: null, identityChanged: false };
  putIdentityRange(db, { siteId: r.siteId, ...r.identityRange, companyDomain: r.contact.companyDomain, source: 'identify' }, r.ts);
  return { duplicate: false, companyId: null, identityChanged: true };
}
