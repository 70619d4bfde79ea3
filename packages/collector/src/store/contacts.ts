import type { Db } from './db.js';
import { newContactId } from './ids.js';
import { contactTrustFields, trustBits, trustedSetList, type FieldSource } from './field-trust.js';
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

/**
 * Upserts a contact by email; a field sent again replaces the stored one, an absent one keeps it.
 * Identify beacons and site-key webhooks (`trust` 'site_key') never replace a trusted value (field-trust.ts).
 */
export function upsertContact(
  db: Db,
  siteId: string,
  input: ContactInput,
  source: 'identify' | 'ingest' | 'webhook',
  now: number,
  trust: FieldSource = source === 'identify' ? 'site_key' : 'trusted',
): { id: string; created: boolean } {
  const values = {
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
    trustBits: 0,
  };
  values.trustBits = trustBits(contactTrustFields, values, trust);
  const row = prepared<unknown[], { id: string; created_at: number }>(
    db,
    `INSERT INTO contacts (id, site_id, email, first_name, last_name, job_title, seniority, department, phone, linkedin_url,
                           company_name, company_domain, source, trusted_fields, created_at, updated_at)
     VALUES (@id, @siteId, @email, @firstName, @lastName, @jobTitle, @seniority, @department, @phone, @linkedinUrl,
             @companyName, @companyDomain, @source, @trustBits, @now, @now)
     ON CONFLICT (site_id, email) DO UPDATE SET
       ${trustedSetList(contactTrustFields, trust, (_param, column) => `excluded.${column}`)},
       updated_at = excluded.updated_at
     RETURNING id, created_at`,
  ).get(values)!;
  return { id: row.id, created: row.created_at === now };
}
