import type { Db } from './db.js';
import { newSessionId } from './ids.js';
import { prepared } from './prepared.js';
import type { VisitorRow } from './visitor-queries.js';

/** A visit ends after 30 minutes without a page view, the convention analytics users expect. */
export const sessionTimeoutMs = 30 * 60 * 1000;

/** What a page view needs to know of its visitor's stored row. */
export type StoredVisitor = Pick<VisitorRow, 'last_seen' | 'last_ip' | 'country' | 'browser' | 'os' | 'device' | 'is_bot' | 'company_id'> & {
  session_id: string;
};

export function findVisitor(db: Db, siteId: string, visitorId: string): StoredVisitor | undefined {
  return prepared<[string, string], StoredVisitor>(
    db,
    'SELECT session_id, last_seen, last_ip, country, browser, os, device, is_bot, company_id FROM visitors WHERE site_id = ? AND id = ?',
  ).get(siteId, visitorId);
}

/** The session a page view at `ts` belongs to, and whether it starts a new one. */
export function sessionFor(stored: StoredVisitor | undefined, ts: number): { sessionId: string; isNew: boolean; known: boolean } {
  if (stored && ts - stored.last_seen <= sessionTimeoutMs) return { sessionId: stored.session_id, isNew: false, known: true };
  return { sessionId: newSessionId(), isNew: true, known: stored !== undefined };
}

export interface VisitorSeen {
  siteId: string;
  visitorId: string;
  ts: number;
  sessionId: string;
  newSession: boolean;
  ip: string | null;
  country: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  isBot: boolean;
  companyId: string | null;
}

/** True when the page view would leave the visitor's profile columns as they are stored. */
export function profileUnchanged(stored: StoredVisitor, seen: VisitorSeen): boolean {
  return (
    stored.last_ip === seen.ip &&
    (seen.country === null || seen.country === stored.country) &&
    stored.browser === seen.browser &&
    stored.os === seen.os &&
    stored.device === seen.device &&
    (!seen.isBot || stored.is_bot === 1) &&
    (seen.companyId === null || seen.companyId === stored.company_id)
  );
}

/**
 * Counts a page view on its visitor. A returning visitor whose address, browser
 * and company are as stored gets only its counters updated: those columns sit in
 * one index (visitors_recent), while the profile columns sit in two more, whose
 * entries SQLite rewrites whenever an UPDATE assigns their columns.
 */
export function recordVisitorPageView(db: Db, seen: VisitorSeen, stored: StoredVisitor | undefined): void {
  if (stored && profileUnchanged(stored, seen)) {
    prepared(
      db,
      `UPDATE visitors SET last_seen = MAX(last_seen, ?), session_id = ?, session_count = session_count + ?, page_views = page_views + 1
       WHERE site_id = ? AND id = ?`,
    ).run(seen.ts, seen.sessionId, seen.newSession ? 1 : 0, seen.siteId, seen.visitorId);
    return;
  }
  prepared(
    db,
    `INSERT INTO visitors (site_id, id, first_seen, last_seen, session_id, session_count, page_views, last_ip, country, browser, os, device, is_bot, company_id)
     VALUES (@siteId, @visitorId, @ts, @ts, @sessionId, 1, 1, @ip, @country, @browser, @os, @device, @isBot, @companyId)
     ON CONFLICT (site_id, id) DO UPDATE SET
       last_seen = MAX(last_seen, excluded.last_seen),
       session_id = excluded.session_id,
       session_count = session_count + @newSession,
       page_views = page_views + 1,
       last_ip = excluded.last_ip,
       country = COALESCE(excluded.country, country),
       browser = excluded.browser, os = excluded.os, device = excluded.device,
       is_bot = MAX(is_bot, excluded.is_bot),
       company_id = COALESCE(excluded.company_id, company_id)`,
  ).run({ ...seen, isBot: seen.isBot ? 1 : 0, newSession: seen.newSession ? 1 : 0 });
}

/** Links a visitor to a contact, creating the visitor if identify came first. */
export function linkVisitorContact(db: Db, siteId: string, visitorId: string, contactId: string, ts: number, ip: string | null): void {
  prepared(
    db,
    `INSERT INTO visitors (site_id, id, first_seen, last_seen, session_id, session_count, page_views, last_ip, contact_id)
     VALUES (@siteId, @visitorId, @ts, @ts, @sessionId, 1, 0, @ip, @contactId)
     ON CONFLICT (site_id, id) DO UPDATE SET contact_id = excluded.contact_id`,
  ).run({ siteId, visitorId, ts, sessionId: newSessionId(), ip, contactId });
}
