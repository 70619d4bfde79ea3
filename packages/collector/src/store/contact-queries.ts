import type { Db } from './db.js';
import { prepared } from './prepared.js';

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
            OR id IN (SELECT contact_id FROM visitors WHERE site_id = @siteId AND company_id = @companyId AND contact_id IS NOT NULL))
     ORDER BY updated_at DESC, id LIMIT @limit`,
  ).all({ siteId, domain: company.domain, companyId: company.id, limit });
}

/** One page of a site's contacts, latest updated first, and the total that match. */
export function listContacts(
  db: Db,
  siteId: string,
  filters: { companyDomain?: string; q?: string; source?: string },
  page: { limit: number; offset: number },
): { rows: ContactRow[]; total: number } {
  const parts = ['site_id = @siteId'];
  const params: Record<string, unknown> = { siteId };
  if (filters.companyDomain !== undefined) {
    parts.push('company_domain = @companyDomain');
    params.companyDomain = filters.companyDomain;
  }
  if (filters.q !== undefined) {
    // `%` and `_` in user text are literal.
    parts.push("(email LIKE @q ESCAPE '\\' OR first_name LIKE @q ESCAPE '\\' OR last_name LIKE @q ESCAPE '\\')");
    params.q = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  }
  if (filters.source !== undefined) {
    parts.push('source = @source');
    params.source = filters.source;
  }
  const where = parts.join(' AND ');
  const total = prepared<[Record<string, unknown>], { n: number }>(db, `SELECT COUNT(*) AS n FROM contacts WHERE ${where}`).get(params)!.n;
  const rows =
    page.offset >= total
      ? []
      : prepared<[Record<string, unknown>], ContactRow>(db, `SELECT * FROM contacts WHERE ${where} ORDER BY updated_at DESC, id LIMIT @limit OFFSET @offset`).all({
          ...params,
          limit: page.limit,
          offset: page.offset,
        });
  return { rows, total };
}

/**
 * Erases a contact (a person's data, e.g. on a GDPR erasure request): the row
 * goes, and visitors it was linked to keep their page views but no longer
 * point to a person. Returns whether the site had it.
 */
export function deleteContact(db: Db, siteId: string, id: string): boolean {
  return db.transaction(() => {
    const deleted = prepared(db, 'DELETE FROM contacts WHERE id = ? AND site_id = ?').run(id, siteId).changes > 0;
    if (deleted) prepared(db, 'UPDATE visitors SET contact_id = NULL WHERE site_id = ? AND contact_id = ?').run(siteId, id);
    return deleted;
  })();
}
