import type { Db } from './db.js';
import { newSessionId } from './ids.js';
import { ensureSiteNumber, packId } from './keys.js';
import { prepared } from './prepared.js';
import type { VisitorRow } from './visitor-queries.js';

/** A visit ends after 30 minutes without a page view, the convention analytics users expect. */
export const sessionTimeoutMs = 30 * 60 * 1000;

/** What a page view needs to know of its visitor's stored row; `key` is its number in visitor_rows, `company` the company's number. */
export type StoredVisitor = Pick<VisitorRow, 'last_seen' | 'last_ip' | 'country' | 'browser' | 'os' | 'device' | 'is_bot'> & {
  key: number;
  session_id: string;
  company: number | null;
};

export function findVisitor(db: Db, siteId: string, visitorId: string): StoredVisitor | undefined {
  return prepared<[number, string | Buffer], StoredVisitor>(
    db,
    `SELECT id AS key, session_id, last_seen, last_ip, country, browser, os, device, is_bot, company FROM visitor_rows
     WHERE site = ? AND visitor_id = ?`,
  ).get(ensureSiteNumber(db, siteId), packId(visitorId));
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
  /** The company's number (companies.num), if the page view resolved to one. */
  company: number | null;
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
    (seen.company === null || seen.company === stored.company)
  );
}

/**
 * Counts a page view on its visitor and returns the visitor's number. A returning
 * visitor whose address, browser and company are as stored gets only its counters
 * updated: the profile columns sit in indexes whose entries SQLite rewrites whenever an
 * UPDATE assigns their columns.
 */
export function recordVisitorPageView(db: Db, seen: VisitorSeen, stored: StoredVisitor | undefined): number {
  const bot = seen.isBot ? 1 : 0;
  if (stored && profileUnchanged(stored, seen)) {
    prepared(
      db,
      `UPDATE visitor_rows SET last_seen = MAX(last_seen, ?), session_id = ?, session_count = session_count + ?, page_views = page_views + 1,
         bot_page_views = bot_page_views + ?
       WHERE id = ?`,
    ).run(seen.ts, seen.sessionId, seen.newSession ? 1 : 0, bot, stored.key);
    return stored.key;
  }
  if (stored) {
    prepared(
      db,
      `UPDATE visitor_rows SET
         last_seen = MAX(last_seen, @ts), session_id = @sessionId, session_count = session_count + @newSession,
         page_views = page_views + 1, bot_page_views = bot_page_views + @isBot,
         last_ip = @ip, country = COALESCE(@country, country), browser = @browser, os = @os, device = @device,
         is_bot = MAX(is_bot, @isBot), company = COALESCE(@company, company)
       WHERE id = @key`,
    ).run({ ...seen, key: stored.key, isBot: bot, newSession: seen.newSession ? 1 : 0 });
    return stored.key;
  }
  return Number(
    prepared(
      db,
      `INSERT INTO visitor_rows (site, visitor_id, first_seen, last_seen, session_id, session_count, page_views, bot_page_views,
                                 last_ip, country, browser, os, device, is_bot, company)
       VALUES (@site, @visitor, @ts, @ts, @sessionId, 1, 1, @isBot, @ip, @country, @browser, @os, @device, @isBot, @company)`,
    ).run({ ...seen, site: ensureSiteNumber(db, seen.siteId), visitor: packId(seen.visitorId), isBot: bot }).lastInsertRowid,
  );
}

/** Links a visitor to a contact, creating the visitor if identify came first. */
export function linkVisitorContact(db: Db, siteId: string, visitorId: string, contactId: string, ts: number, ip: string | null): void {
  prepared(
    db,
    `INSERT INTO visitor_rows (site, visitor_id, first_seen, last_seen, session_id, session_count, page_views, last_ip, contact_id)
     VALUES (@site, @visitor, @ts, @ts, @sessionId, 1, 0, @ip, @contactId)
     ON CONFLICT (site, visitor_id) DO UPDATE SET contact_id = excluded.contact_id`,
  ).run({ site: ensureSiteNumber(db, siteId), visitor: packId(visitorId), ts, sessionId: newSessionId(), ip, contactId });
}
