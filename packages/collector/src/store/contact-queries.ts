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
