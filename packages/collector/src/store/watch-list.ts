import { domainAndParents } from '../mapping/domain.js';
import type { Db } from './db.js';
import { onSnapshot, pageOf, type ListPage, type PageRequest } from './list-page.js';
import { prepared } from './prepared.js';

/** A watch-list entry with the company of exactly its domain, if the site has one. */
export interface WatchRow {
  id: number;
  domain: string;
  company_name: string | null;
  notes: string | null;
  added_at: number;
  company_id: string | null;
  company_label: string | null;
  lead_score: number | null;
  last_seen: number | null;
}

const rowColumns = `w.id, w.domain, w.company_name, w.notes, w.added_at,
  c.id AS company_id, COALESCE(c.name, c.domain) AS company_label, c.lead_score, COALESCE(c.last_seen, c.created_at) AS last_seen`;
const rowJoin = 'FROM watch_list w LEFT JOIN companies c ON c.site_id = w.site_id AND c.domain = w.domain';

export interface WatchListFilters {
  /** Lowercase text found in the domain or the company name. */
  q?: string;
}

/** A page of a site's watch list, newest first (index watch_list_recent; ?q= filters the site's entries in that order). */
export function listWatchList(db: Db, siteId: string, filters: WatchListFilters, page: PageRequest): ListPage<WatchRow> {
  const q = filters.q ?? null;
  const match = q === null ? '' : ' AND (instr(w.domain, @q) > 0 OR instr(lower(w.company_name), @q) > 0)';
  return onSnapshot(db, () => {
    const total = prepared<[Record<string, unknown>], number>(db, `SELECT COUNT(*) FROM watch_list w INDEXED BY watch_list_recent WHERE w.site_id = @siteId${match}`)
      .pluck(true)
      .get({ siteId, ...(q === null ? {} : { q }) })!;
    const rows = prepared<[Record<string, unknown>], WatchRow>(
      db,
      `SELECT ${rowColumns} ${rowJoin.replace('watch_list w', 'watch_list w INDEXED BY watch_list_recent')} WHERE w.site_id = @siteId${match} ORDER BY w.added_at DESC, w.id DESC LIMIT @limit OFFSET @offset`,
    ).all({ siteId, limit: page.limit + 1, offset: page.offset, ...(q === null ? {} : { q }) });
    return pageOf(rows, page.limit, total, (row) => [row.added_at, row.id]);
  });
}

export function getWatchEntry(db: Db, siteId: string, domain: string): WatchRow | null {
  return prepared<[string, string], WatchRow>(db, `SELECT ${rowColumns} ${rowJoin} WHERE w.site_id = ? AND w.domain = ?`).get(siteId, domain) ?? null;
}

/** Adds one entry; false when the domain is already watched (nothing changes then). */
export function addWatchEntry(db: Db, siteId: string, entry: { domain: string; companyName: string | null; notes: string | null }, now: number): boolean {
  const result = prepared(
    db,
    `INSERT INTO watch_list (site_id, domain, company_name, notes, added_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (site_id, domain) DO NOTHING`,
  ).run(siteId, entry.domain, entry.companyName, entry.notes, now);
  return result.changes === 1;
}

/** Adds the domains not yet watched, in one transaction; returns how many were added. */
export function addWatchDomains(db: Db, siteId: string, domains: readonly string[], now: number): number {
  const insert = prepared(db, 'INSERT INTO watch_list (site_id, domain, added_at) VALUES (?, ?, ?) ON CONFLICT (site_id, domain) DO NOTHING');
  return db.transaction(() => {
    let added = 0;
    for (const domain of domains) added += insert.run(siteId, domain, now).changes;
    return added;
  })();
}

/** Changes the given fields of an entry; false when the site does not watch the domain. */
export function updateWatchEntry(db: Db, siteId: string, domain: string, change: { companyName?: string | null; notes?: string | null }): boolean {
  const result = prepared(
    db,
    `UPDATE watch_list SET
       company_name = CASE WHEN @setName THEN @companyName ELSE company_name END,
       notes = CASE WHEN @setNotes THEN @notes ELSE notes END
     WHERE site_id = @siteId AND domain = @domain`,
  ).run({
    siteId,
    domain,
    setName: change.companyName !== undefined ? 1 : 0,
    companyName: change.companyName ?? null,
    setNotes: change.notes !== undefined ? 1 : 0,
    notes: change.notes ?? null,
  });
  return result.changes === 1;
}

/** Removes an entry; false when the site does not watch the domain. */
export function removeWatchEntry(db: Db, siteId: string, domain: string): boolean {
  return prepared(db, 'DELETE FROM watch_list WHERE site_id = ? AND domain = ?').run(siteId, domain).changes === 1;
}

/** Every domain a site watches (for the in-memory set, alerts/watched-domains.ts). */
export function listWatchedDomains(db: Db, siteId: string): string[] {
  return prepared<[string], string>(db, 'SELECT domain FROM watch_list WHERE site_id = ?').pluck(true).all(siteId);
}

/** Moves with every domain added or removed, on any connection (migration 009's triggers). */
export function watchListVersion(db: Db): number {
  return prepared<[], number>(db, 'SELECT version FROM watch_list_version WHERE id = 1').pluck(true).get() ?? 0;
}

/**
 * The site's companies with one of these domains or a subdomain of one (to rescore after a
 * watch-list change): one pass over the site's company domains, which the API runs on a read thread.
 */
export function listCompaniesUnderDomains(db: Db, siteId: string, domains: readonly string[]): string[] {
  const wanted = new Set(domains);
  const ids: string[] = [];
  const all = prepared<[string], { id: string; domain: string }>(db, 'SELECT id, domain FROM companies WHERE site_id = ?');
  for (const row of all.iterate(siteId)) if (domainAndParents(row.domain).some((d) => wanted.has(d))) ids.push(row.id);
  return ids;
}
