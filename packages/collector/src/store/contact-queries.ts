import type { Db } from './db.js';
import { siteNumber } from './keys.js';
import { afterKeySql, keyFits, keyParams, onSnapshot, pageOf, type KeyShape, type ListPage, type PageRequest } from './list-page.js';
import { prepared } from './prepared.js';
import { deleteContactSignals } from './signals.js';
import {
  answeredByPrefixIndexes,
  pickSearchPlan,
  planSearchAlone,
  searchKept,
  searchProbe,
  searchRange as textSearchRange,
  searchRowids as textSearchRowids,
  SORTED_SEARCH_MAX,
  textSearchQuery,
  type SearchPlan,
} from './text-search.js';

export interface ContactRow {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  seniority: string | null;
  department: string | null;
  phone: string | null;
  linkedin_url: string | null;
  company_name: string | null;
  company_domain: string | null;
  source: string;
  created_at: number;
  updated_at: number;
}

export function getContact(db: Db, siteId: string, id: string): ContactRow | null {
  return prepared<[string, string], ContactRow>(db, 'SELECT * FROM contacts WHERE id = ? AND site_id = ?').get(id, siteId) ?? null;
}

/**
 * The people known at a company: contacts whose email domain is the company's,
 * and contacts who identified on a visitor resolved to it. Latest first.
 */
export function listCompanyContacts(db: Db, siteId: string, company: { id: string; domain: string }, limit: number): ContactRow[] {
  return prepared<[Record<string, unknown>], ContactRow>(
    db,
    `SELECT * FROM contacts
     WHERE site_id = @siteId
       AND (company_domain = @domain
            OR id IN (SELECT contact_id FROM visitor_rows WHERE site = @site AND company = (SELECT num FROM companies WHERE id = @companyId)
                      AND contact_id IS NOT NULL))
     ORDER BY updated_at DESC, id DESC LIMIT @limit`,
  ).all({ siteId, site: siteNumber(db, siteId) ?? -1, domain: company.domain, companyId: company.id, limit });
}

/** A contacts cursor: when last updated, then the id. */
export const contactKeyShape: KeyShape = ['int', 'text'];

export interface ContactFilters {
  companyDomain?: string;
  /** Words that start words of the email or the names, matched case- and accent-insensitively. */
  q?: string;
  source?: string;
}

const searchRange = textSearchRange('contact_search');
const searchRowids = textSearchRowids('contact_search');

/**
 * The total: with at most one of company domain and source, and no text, from the counts
 * the contacts triggers keep (migration 007); a search alone from the full-text index;
 * otherwise counted through the list's index.
 */
function countContacts(db: Db, siteId: string, filters: ContactFilters, from: string, where: string, params: Record<string, unknown>): number {
  if (filters.q === undefined && (filters.companyDomain === undefined || filters.source === undefined)) return keptCount(db, siteId, filters);
  if (filters.companyDomain === undefined && filters.source === undefined)
    return prepared<[Record<string, unknown>], number>(db, `SELECT COUNT(*) FROM contact_search WHERE ${searchRange}`).pluck(true).get(params)!;
  return prepared<[Record<string, unknown>], number>(db, `SELECT COUNT(*) FROM ${from} WHERE ${where}`).pluck(true).get(params)!;
}

function keptCount(db: Db, siteId: string, filters: Pick<ContactFilters, 'companyDomain' | 'source'>): number {
  const key = filters.companyDomain !== undefined ? `d:${filters.companyDomain}` : filters.source !== undefined ? `s:${filters.source}` : '';
  return prepared<[string, string], number>(db, 'SELECT n FROM contact_counts WHERE site_id = ? AND key = ?').pluck(true).get(siteId, key) ?? 0;
}

/** One page of a site's contacts, latest updated first, and the total that match. */
export function listContacts(db: Db, siteId: string, filters: ContactFilters, page: PageRequest): ListPage<ContactRow> {
  const parts = ['site_id = @siteId'];
  const params: Record<string, unknown> = { siteId };
  // Both indexes hold the list's order (updated_at, id): the rows of one company domain, or all.
  let from = 'contacts INDEXED BY contacts_updated';
  if (filters.companyDomain !== undefined) {
    from = 'contacts INDEXED BY contacts_company';
    parts.push('company_domain = @companyDomain');
    params.companyDomain = filters.companyDomain;
  }
  if (filters.source !== undefined) {
    parts.push('source = @source');
    params.source = filters.source;
  }
  const match = filters.q === undefined ? null : textSearchQuery(filters.q);
  if (filters.q !== undefined && match === null) return { rows: [], total: 0, next: null };
  const site = match === null ? null : siteNumber(db, siteId);
  if (match !== null && site === null) return { rows: [], total: 0, next: null };
  if (match !== null) Object.assign(params, { match, site });
  const after = page.after && keyFits(page.after, contactKeyShape) ? page.after : null;
  return onSnapshot(db, () => {
    const filtered = match === null ? '' : ` AND rowid IN (${searchRowids})`;
    const wanted = (after ? 0 : page.offset) + page.limit;
    let plan: SearchPlan | null = null;
    let total: number;
    if (match !== null && filters.companyDomain === undefined && filters.source === undefined) {
      // A search alone: its matches are the total, counted by whichever pass the plan makes over them (as companies).
      ({ plan, total } = planSearchAlone(db, 'contact_search', 'contacts', { match, site: site! }, keptCount(db, siteId, filters), wanted, () =>
        countContacts(db, siteId, filters, from, parts.join(' AND ') + filtered, params),
      ));
    } else {
      total = countContacts(db, siteId, filters, from, parts.join(' AND ') + filtered, params);
      if (match !== null && (after || page.offset < total)) {
        // As companies (pickSearchPlan): few matches are sorted, many are collected or probed while walking the list's index.
        const matches = prepared<[Record<string, unknown>], number>(
          db,
          `SELECT COUNT(*) FROM (SELECT 1 FROM contact_search WHERE ${searchRange} LIMIT ${SORTED_SEARCH_MAX + 1})`,
        )
          .pluck(true)
          .get(params)!;
        plan = pickSearchPlan(matches, keptCount(db, siteId, filters), wanted, answeredByPrefixIndexes(match));
      }
    }
    if (!after && page.offset >= total) return { rows: [], total, next: null };
    const where = [...parts];
    let source = from;
    if (plan === 'sorted') {
      source = 'contacts NOT INDEXED';
      where.push(`rowid IN (${searchRowids} LIMIT ${SORTED_SEARCH_MAX + 1})`);
    } else if (plan === 'probe') where.push(searchProbe('contact_search', 'contacts.rowid'));
    else if (plan === 'kept') where.push(searchKept('rowid'));
    else if (plan === 'walk') where.push(`rowid IN (${searchRowids})`);
    if (after) where.push(afterKeySql(['updated_at', 'id'], true));
    const rows = prepared<[Record<string, unknown>], ContactRow>(
      db,
      `SELECT * FROM ${source} WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id DESC LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: page.limit + 1, offset: after ? 0 : page.offset, ...(after ? keyParams(after) : {}) });
    return pageOf(rows, page.limit, total, (row) => [row.updated_at, row.id]);
  });
}

/**
 * Erases a contact (a person's data, e.g. on a GDPR erasure request): the row
 * goes with the signals that name it, and visitors it was linked to keep their
 * page views but no longer point to a person. Returns whether the site had it.
 */
export function deleteContact(db: Db, siteId: string, id: string): boolean {
  return db.transaction(() => {
    const deleted = prepared(db, 'DELETE FROM contacts WHERE id = ? AND site_id = ?').run(id, siteId).changes > 0;
    const site = siteNumber(db, siteId);
    if (deleted && site !== null) prepared(db, 'UPDATE visitor_rows SET contact_id = NULL WHERE site = ? AND contact_id = ?').run(site, id);
    if (deleted) deleteContactSignals(db, siteId, id);
    return deleted;
  })();
}
