import type { Db } from './db.js';
import { newContactId } from './ids.js';
import { prepared } from './prepared.js';

export interface ContactInput {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  jobTitle?: string | null;
  seniority?: string | null;
  department?: string | null;
  phone?: string | null;
  linkedinUrl?: string | null;
  companyName?: string | null;
  companyDomain?: string | null;
}

/** Upserts a contact by email; a field sent again replaces the stored one, an absent one keeps it. */
export function upsertContact(db: Db, siteId: string, input: ContactInput, source: 'identify' | 'ingest' | 'webhook', now: number): { id: string; created: boolean } {
  const row = prepared<unknown[], { id: string; created_at: number }>(
    db,
    `INSERT INTO contacts (id, site_id, email, first_name, last_name, job_title, seniority, department, phone, linkedin_url,
                           company_name, company_domain, source, created_at, updated_at)
     VALUES (@id, @siteId, @email, @firstName, @lastName, @jobTitle, @seniority, @department, @phone, @linkedinUrl,
             @companyName, @companyDomain, @source, @now, @now)
     ON CONFLICT (site_id, email) DO UPDATE SET
       first_name = COALESCE(excluded.first_name, first_name),
       last_name = COALESCE(excluded.last_name, last_name),
       job_title = COALESCE(excluded.job_title, job_title),
       seniority = COALESCE(excluded.seniority, seniority),
       department = COALESCE(excluded.department, department),
       phone = COALESCE(excluded.phone, phone),
       linkedin_url = COALESCE(excluded.linkedin_url, linkedin_url),
       company_name = COALESCE(excluded.company_name, company_name),
       company_domain = COALESCE(excluded.company_domain, company_domain),
       updated_at = excluded.updated_at
     RETURNING id, created_at`,
  ).get({
    id: newContactId(),
    siteId,
    email: input.email.toLowerCase(),
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    jobTitle: input.jobTitle ?? null,
    seniority: input.seniority ?? null,
    department: input.department ?? null,
    phone: input.phone ?? null,
    linkedinUrl: input.linkedinUrl ?? null,
    companyName: input.companyName ?? null,
    companyDomain: input.companyDomain ?? null,
    source,
    now,
  })!;
  return { id: row.id, created: row.created_at === now };
}
