import type { Signal, SignalType } from '../alerts/signal.js';
import type { Db } from './db.js';
import { afterKeySql, keyParams, onSnapshot, pageOf, type ListPage, type PageRequest } from './list-page.js';
import { prepared } from './prepared.js';

/**
 * Writes an outbox row (or rows) for a new signal, inside the transaction that stores it:
 * part B's enqueueDeliveries (store/deliveries.ts) is one; server.ts composes the list.
 */
export type OutboxWriter = (db: Db, signal: Signal) => void;

export interface SignalRow {
  num: number;
  id: string;
  site_id: string;
  type: SignalType;
  body: string;
  created_at: number;
  completed_at: number | null;
  last_at: number | null;
}

/** Stores a new signal; `lastAt` is a watchlist.hit's latest page view, null for other types. */
export function insertSignal(db: Db, signal: Signal, createdAt: number, completedAt: number | null, lastAt: number | null): void {
  prepared(
    db,
    `INSERT INTO signals (id, site_id, type, company_id, company_domain, body, created_at, completed_at, last_at)
     VALUES (@id, @siteId, @type, @companyId, @companyDomain, @body, @createdAt, @completedAt, @lastAt)`,
  ).run({
    id: signal.id,
    siteId: signal.siteId,
    type: signal.type,
    companyId: signal.company?.id ?? null,
    companyDomain: signal.company?.domain ?? null,
    body: JSON.stringify(signal),
    createdAt,
    completedAt,
    lastAt,
  });
}

/** A company's watchlist.hit whose visit is still going on, if any (index signals_open_visits). */
export function findOpenVisit(db: Db, companyId: string): SignalRow | null {
  return prepared<[string], SignalRow>(db, "SELECT * FROM signals WHERE company_id = ? AND type = 'watchlist.hit' AND completed_at IS NULL").get(companyId) ?? null;
}

/** A visit's signal with one more page: its body and its latest page view. */
export function updateOpenVisit(db: Db, num: number, signal: Signal, lastAt: number): void {
  prepared(db, 'UPDATE signals SET body = ?, last_at = ? WHERE num = ?').run(JSON.stringify(signal), lastAt, num);
}

/** Every visit still going on, for the sweep that completes those past the gap. */
export function listOpenVisits(db: Db): Array<{ num: number; site_id: string; last_at: number }> {
  return prepared<[], { num: number; site_id: string; last_at: number }>(
    db,
    "SELECT num, site_id, last_at FROM signals INDEXED BY signals_open_visits WHERE type = 'watchlist.hit' AND completed_at IS NULL AND company_id IS NOT NULL",
  ).all();
}

/** Marks a visit's signal complete at its last page view, in the column and in the body. */
export function completeVisit(db: Db, num: number, completedAt: number, completedAtIso: string): void {
  prepared(db, "UPDATE signals SET completed_at = ?, body = json_set(body, '$.completedAt', ?) WHERE num = ?").run(completedAt, completedAtIso, num);
}

export function readSignalProgress(db: Db, name: string): number {
  return prepared<[string], number>(db, 'SELECT last_id FROM signal_progress WHERE name = ?').pluck(true).get(name) ?? 0;
}

export function saveSignalProgress(db: Db, name: string, lastId: number): void {
  prepared(db, 'INSERT INTO signal_progress (name, last_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id').run(name, lastId);
}

export function lastPageViewId(db: Db): number {
  return prepared<[], number | null>(db, 'SELECT MAX(id) FROM page_view_rows').pluck(true).get() ?? 0;
}

/** A non-bot page view resolved to a company, as the follower reads it. */
export interface FollowedPageView {
  id: number;
  ts: number;
  site_id: string;
  company_id: string;
  domain: string;
  name: string;
  lead_score: number;
  url: string;
  title: string | null;
}

/** The non-bot page views resolved to a company with ids in (after, upto], in order (a range of the primary key). */
export function listFollowedPageViews(db: Db, after: number, upto: number): FollowedPageView[] {
  return prepared<[number, number], FollowedPageView>(
    db,
    `SELECT p.id, p.ts, s.site_id, c.id AS company_id, c.domain, COALESCE(c.name, c.domain) AS name, c.lead_score,
            CASE WHEN p.origin IS NULL THEN p.url ELSE o.origin || p.path || COALESCE('?' || p.query, '') END AS url, p.title
       FROM page_view_rows p
       JOIN site_numbers s ON s.num = p.site
       JOIN companies c ON c.num = p.company
       LEFT JOIN page_origins o ON o.num = p.origin
      WHERE p.id > ? AND p.id <= ? AND p.is_bot = 0 AND p.company IS NOT NULL
      ORDER BY p.id`,
  ).all(after, upto);
}

export interface SignalInput {
  id: number;
  kind: 'contact' | 'score';
  ref: string;
}

/** New contacts and changed scores queued by migration 009's triggers, oldest first. */
export function listSignalInputs(db: Db, limit: number): SignalInput[] {
  return prepared<[number], SignalInput>(db, 'SELECT id, kind, ref FROM signal_inputs ORDER BY id LIMIT ?').all(limit);
}

export function deleteSignalInputsThrough(db: Db, lastId: number): void {
  prepared(db, 'DELETE FROM signal_inputs WHERE id <= ?').run(lastId);
}

/**
 * Whether there is anything for the follower to do; cheap, so idle runs take no write lock.
 * An open visit counts once its last page view is a minute old, the shortest gap alerts.dedupeMinutes allows.
 */
export function signalWorkPending(db: Db, now: number): boolean {
  return (
    lastPageViewId(db) > readSignalProgress(db, 'page_views') ||
    prepared<[], number>(db, 'SELECT EXISTS (SELECT 1 FROM signal_inputs)').pluck(true).get() === 1 ||
    prepared<[number], number>(
      db,
      "SELECT EXISTS (SELECT 1 FROM signals INDEXED BY signals_open_visits WHERE type = 'watchlist.hit' AND completed_at IS NULL AND last_at < ?)",
    )
      .pluck(true)
      .get(now - 60_000) === 1
  );
}

export interface CompanySignalState {
  identified: boolean;
  hot: boolean;
}

export function getCompanySignalState(db: Db, companyId: string): CompanySignalState {
  const row = prepared<[string], { identified: number; hot: number }>(db, 'SELECT identified, hot FROM company_signal_state WHERE company_id = ?').get(companyId);
  return { identified: row?.identified === 1, hot: row?.hot === 1 };
}

export function saveCompanySignalState(db: Db, companyId: string, state: CompanySignalState): void {
  prepared(
    db,
    `INSERT INTO company_signal_state (company_id, identified, hot) VALUES (?, ?, ?)
     ON CONFLICT (company_id) DO UPDATE SET identified = excluded.identified, hot = excluded.hot`,
  ).run(companyId, state.identified ? 1 : 0, state.hot ? 1 : 0);
}

/** What a signal says about a company. */
export interface SignalCompanyRow {
  id: string;
  site_id: string;
  domain: string;
  name: string;
  lead_score: number;
  score_breakdown: string | null;
}

export function getSignalCompany(db: Db, companyId: string): SignalCompanyRow | null {
  return (
    prepared<[string], SignalCompanyRow>(db, 'SELECT id, site_id, domain, COALESCE(name, domain) AS name, lead_score, score_breakdown FROM companies WHERE id = ?').get(
      companyId,
    ) ?? null
  );
}

export function getSignalCompanyByDomain(db: Db, siteId: string, domain: string): SignalCompanyRow | null {
  return (
    prepared<[string, string], SignalCompanyRow>(
      db,
      'SELECT id, site_id, domain, COALESCE(name, domain) AS name, lead_score, score_breakdown FROM companies WHERE site_id = ? AND domain = ?',
    ).get(siteId, domain) ?? null
  );
}

export interface SignalContactRow {
  id: string;
  site_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  linkedin_url: string | null;
  company_domain: string | null;
  source: string;
  created_at: number;
}

export function getSignalContact(db: Db, contactId: string): SignalContactRow | null {
  return (
    prepared<[string], SignalContactRow>(
      db,
      'SELECT id, site_id, email, first_name, last_name, job_title, linkedin_url, company_domain, source, created_at FROM contacts WHERE id = ?',
    ).get(contactId) ?? null
  );
}

export interface SignalFilters {
  type?: SignalType;
  domain?: string;
  companyId?: string;
  completedAfter?: number;
  completedBefore?: number;
}

/**
 * A page of a site's signals, newest first. Each filter of type, domain and company has an
 * index in that order (signals_type, signals_domain, signals_company), so a page seeks;
 * the completed_* window filters the rows read in that order.
 */
export function listSignals(db: Db, siteId: string, filters: SignalFilters, page: PageRequest): ListPage<SignalRow> {
  const where = ['site_id = @siteId'];
  const params: Record<string, unknown> = { siteId };
  if (filters.type !== undefined) {
    where.push('type = @type');
    params.type = filters.type;
  }
  if (filters.domain !== undefined) {
    where.push('company_domain = @domain');
    params.domain = filters.domain;
  }
  if (filters.companyId !== undefined) {
    where.push('company_id = @companyId');
    params.companyId = filters.companyId;
  }
  if (filters.completedAfter !== undefined) {
    where.push('completed_at >= @completedAfter');
    params.completedAfter = filters.completedAfter;
  }
  if (filters.completedBefore !== undefined) {
    where.push('completed_at <= @completedBefore');
    params.completedBefore = filters.completedBefore;
  }
  const after = page.after ?? null;
  const filter = where.join(' AND ');
  // Named, so that a site with most of the rows (ANALYZE then calls the site column unselective) still seeks in list order.
  const index =
    filters.companyId !== undefined
      ? 'signals_company'
      : filters.domain !== undefined
        ? 'signals_domain'
        : filters.type !== undefined
          ? 'signals_type'
          : 'signals_recent';
  return onSnapshot(db, () => {
    // The whole feed, or one type of it, from the kept counts (migration 014); a company's, a domain's or a window's through its index.
    const kept = filters.domain === undefined && filters.companyId === undefined && filters.completedAfter === undefined && filters.completedBefore === undefined;
    const total = kept
      ? (prepared<[Record<string, unknown>], number | null>(
          db,
          `SELECT SUM(n) FROM signal_counts WHERE site_id = @siteId${filters.type !== undefined ? ' AND type = @type' : ''}`,
        )
          .pluck(true)
          .get(params) ?? 0)
      : prepared<[Record<string, unknown>], number>(db, `SELECT COUNT(*) FROM signals INDEXED BY ${index} WHERE ${filter}`).pluck(true).get(params)!;
    const rows = prepared<[Record<string, unknown>], SignalRow>(
      db,
      `SELECT num, id, site_id, type, body, created_at, completed_at, last_at FROM signals INDEXED BY ${index}
        WHERE ${filter}${after ? ` AND ${afterKeySql(['created_at', 'num'], true)}` : ''}
        ORDER BY created_at DESC, num DESC LIMIT @limit OFFSET @offset`,
    ).all({ ...params, ...(after ? keyParams(after) : {}), limit: page.limit + 1, offset: after ? 0 : page.offset });
    return pageOf(rows, page.limit, total, (row) => [row.created_at, row.num]);
  });
}

export function getSignal(db: Db, siteId: string, id: string): SignalRow | null {
  return (
    prepared<[string, string], SignalRow>(db, 'SELECT num, id, site_id, type, body, created_at, completed_at, last_at FROM signals WHERE id = ? AND site_id = ?').get(
      id,
      siteId,
    ) ?? null
  );
}

/**
 * Erases the signals that name a contact, and one still queued (part of erasing a person).
 * Only contact.identified signals name one: it reads the site's signals of that type, which
 * an erasure, rare as it is, can afford.
 */
export function deleteContactSignals(db: Db, siteId: string, contactId: string): void {
  prepared(db, "DELETE FROM signals WHERE site_id = ? AND type = 'contact.identified' AND json_extract(body, '$.contact.id') = ?").run(siteId, contactId);
  prepared(db, "DELETE FROM signal_inputs WHERE kind = 'contact' AND ref = ?").run(contactId);
}
