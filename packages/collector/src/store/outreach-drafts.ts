import type { Db } from './db.js';
import { randomBase62 } from './ids.js';
import { siteNumber } from './keys.js';
import { onSnapshot } from './list-page.js';
import { prepared } from './prepared.js';

/** Outreach drafts (migration 011) and the facts a draft is made from. */

export const draftStatuses = ['pending', 'sent', 'dismissed'] as const;
export type DraftStatus = (typeof draftStatuses)[number];

export const newDraftId = () => `draft_${randomBase62(12)}`;

export interface DraftRow {
  id: string;
  subject: string;
  body: string;
  status: DraftStatus;
  intent: 'highIntent' | 'general';
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  contact_id: string;
  first_name: string | null;
  last_name: string | null;
  email: string;
  job_title: string | null;
  company_id: string | null;
  company_name: string | null;
  company_domain: string | null;
  lead_score: number | null;
}

const draftColumns = `d.id, d.subject, d.body, d.status, d.intent, d.created_at, d.updated_at, d.sent_at, d.contact_id,
  ct.first_name, ct.last_name, ct.email, ct.job_title,
  co.id AS company_id, co.name AS company_name, co.domain AS company_domain, co.lead_score`;
// A contact's company: the one of their company domain, else of their email's domain (a
// free-mail domain is never a company's, so it finds none).
const companyDomainSql = (ct: string) => `coalesce(${ct}.company_domain, substr(${ct}.email, instr(${ct}.email, '@') + 1))`;
const draftJoins = `JOIN contacts ct ON ct.id = d.contact_id
  LEFT JOIN companies co ON co.site_id = ct.site_id AND co.domain = ${companyDomainSql('ct')}`;

export function getDraft(db: Db, siteId: string, id: string): DraftRow | null {
  return prepared<[string, string], DraftRow>(db, `SELECT ${draftColumns} FROM outreach_drafts d ${draftJoins} WHERE d.id = ? AND d.site_id = ?`).get(id, siteId) ?? null;
}

export interface DraftFilters {
  status: DraftStatus | 'all';
  contactId?: string;
}

/** A page of drafts, newest first, and how many match. */
export function listDrafts(db: Db, siteId: string, filters: DraftFilters, page: { limit: number; offset: number }): { rows: DraftRow[]; total: number } {
  const where = ['d.site_id = @siteId'];
  if (filters.status !== 'all') where.push('d.status = @status');
  if (filters.contactId !== undefined) where.push('d.contact_id = @contactId');
  const params = { siteId, status: filters.status, contactId: filters.contactId ?? null, limit: page.limit, offset: page.offset };
  return onSnapshot(db, () => {
    const rows = prepared<typeof params, DraftRow>(
      db,
      `SELECT ${draftColumns} FROM outreach_drafts d ${draftJoins} WHERE ${where.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT @limit OFFSET @offset`,
    ).all(params);
    // A site's drafts, or those of one status, from the kept counts (migration 014); one contact's through its index.
    const total =
      filters.contactId === undefined
        ? (prepared<typeof params, number | null>(
            db,
            `SELECT SUM(n) FROM outreach_draft_counts WHERE site_id = @siteId${filters.status !== 'all' ? ' AND status = @status' : ''}`,
          )
            .pluck(true)
            .get(params) ?? 0)
        : prepared<typeof params, number>(db, `SELECT count(*) FROM outreach_drafts d WHERE ${where.join(' AND ')}`)
            .pluck(true)
            .get(params)!;
    return { rows, total };
  });
}

export interface DraftContact {
  id: string;
  siteId: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  companyName: string | null;
  companyDomain: string | null;
}

export function findDraftContact(db: Db, siteId: string, by: { contactId: string } | { email: string }): DraftContact | null {
  const select = `SELECT ct.id, ct.first_name, ct.last_name, ct.job_title, ct.company_name, co.name AS name, co.domain AS domain
    FROM contacts ct LEFT JOIN companies co ON co.site_id = ct.site_id AND co.domain = ${companyDomainSql('ct')}`;
  const row =
    'contactId' in by
      ? prepared<[string, string], Record<string, string | null>>(db, `${select} WHERE ct.id = ? AND ct.site_id = ?`).get(by.contactId, siteId)
      : prepared<[string, string], Record<string, string | null>>(db, `${select} WHERE ct.email = ? AND ct.site_id = ?`).get(by.email.toLowerCase(), siteId);
  if (!row) return null;
  return {
    id: row.id!,
    siteId,
    firstName: row.first_name ?? null,
    lastName: row.last_name ?? null,
    jobTitle: row.job_title ?? null,
    companyName: row.name ?? row.company_name ?? null,
    companyDomain: row.domain ?? null,
  };
}

/**
 * The pages a draft may name, with their latest title and views since `since`, bots never:
 * the person's own when a visitor is linked to them, otherwise their company's.
 */
export function draftPages(
  db: Db,
  contact: DraftContact,
  since: number,
): { pagesOf: 'person' | 'company'; pages: Array<{ path: string; title: string | null; views: number }> } {
  const site = siteNumber(db, contact.siteId);
  if (site === null) return { pagesOf: 'company', pages: [] };
  const visitors = prepared<[number, string], number>(db, 'SELECT id FROM visitor_rows WHERE site = ? AND contact_id = ?').pluck(true).all(site, contact.id);
  if (visitors.length > 0) {
    const pages = new Map<string, { path: string; title: string | null; views: number; ts: number }>();
    for (const visitor of visitors) {
      const rows = prepared<[number, number], { path: string; title: string | null; ts: number }>(
        db,
        'SELECT path, title, ts FROM page_view_rows INDEXED BY page_view_rows_visitor WHERE visitor = ? AND is_bot = 0 AND ts >= ?',
      ).all(visitor, since);
      for (const r of rows) {
        const known = pages.get(r.path);
        if (!known) pages.set(r.path, { path: r.path, title: r.title, views: 1, ts: r.ts });
        else {
          known.views += 1;
          if (r.ts >= known.ts && r.title) Object.assign(known, { title: r.title, ts: r.ts });
        }
      }
    }
    return { pagesOf: 'person', pages: [...pages.values()].map(({ path, title, views }) => ({ path, title, views })) };
  }
  if (!contact.companyDomain) return { pagesOf: 'company', pages: [] };
  const company = prepared<[string, string], number>(db, 'SELECT num FROM companies WHERE site_id = ? AND domain = ?')
    .pluck(true)
    .get(contact.siteId, contact.companyDomain);
  if (company === undefined) return { pagesOf: 'company', pages: [] };
  const rows = prepared<[number, number, number], { path: string; views: number; last: number }>(
    db,
    `SELECT path, count(*) AS views, max(id) AS last FROM page_view_rows INDEXED BY page_view_rows_company
      WHERE site = ? AND company = ? AND is_bot = 0 AND ts >= ? GROUP BY path`,
  ).all(site, company, since);
  // The title each page had when last viewed.
  const title = prepared<[number], string | null>(db, 'SELECT title FROM page_view_rows WHERE id = ?').pluck(true);
  const pages = rows.map((r) => ({ path: r.path, title: title.get(r.last) ?? null, views: r.views }));
  return { pagesOf: 'company', pages };
}

/**
 * Writes a draft for a contact: their pending one is rewritten in place (same id), otherwise
 * a new one is made. One statement each, so two requests at once cannot make two pending drafts
 * (the unique index on pending drafts refuses the second insert, which then rewrites).
 */
export function saveDraft(
  db: Db,
  input: { siteId: string; contactId: string; subject: string; body: string; intent: 'highIntent' | 'general'; now: number },
): { id: string; created: boolean } {
  return db
    .transaction(() => {
      const rewritten = prepared<Record<string, unknown>, string>(
        db,
        `UPDATE outreach_drafts SET subject = @subject, body = @body, intent = @intent, updated_at = @now
          WHERE contact_id = @contactId AND site_id = @siteId AND status = 'pending' RETURNING id`,
      )
        .pluck(true)
        .get(input);
      if (rewritten !== undefined) return { id: rewritten, created: false };
      const id = newDraftId();
      prepared(
        db,
        `INSERT INTO outreach_drafts (id, site_id, contact_id, subject, body, status, intent, created_at, updated_at, sent_at)
         VALUES (@id, @siteId, @contactId, @subject, @body, 'pending', @intent, @now, @now, NULL)`,
      ).run({ ...input, id });
      return { id, created: true };
    })
    .immediate();
}

export function hasDraft(db: Db, contactId: string): boolean {
  return prepared<[string], number>(db, 'SELECT 1 FROM outreach_drafts WHERE contact_id = ? LIMIT 1').pluck(true).get(contactId) !== undefined;
}

/**
 * Changes a pending draft: its status (to sent or dismissed) and/or its text. Only a pending
 * draft changes; the answer says what the status was, so the caller can tell why not.
 */
export function updateDraft(
  db: Db,
  siteId: string,
  id: string,
  change: { status?: 'sent' | 'dismissed'; subject?: string; body?: string },
  now: number,
): { outcome: 'updated' | 'not_found' | 'not_pending'; status: DraftStatus | null } {
  return db
    .transaction(() => {
      const status = prepared<[string, string], DraftStatus>(db, 'SELECT status FROM outreach_drafts WHERE id = ? AND site_id = ?').pluck(true).get(id, siteId);
      if (status === undefined) return { outcome: 'not_found' as const, status: null };
      if (status !== 'pending') return { outcome: 'not_pending' as const, status };
      prepared(
        db,
        `UPDATE outreach_drafts SET status = coalesce(@status, status), subject = coalesce(@subject, subject), body = coalesce(@body, body),
                updated_at = @now, sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END
          WHERE id = @id`,
      ).run({ id, status: change.status ?? null, subject: change.subject ?? null, body: change.body ?? null, now });
      return { outcome: 'updated' as const, status: change.status ?? status };
    })
    .immediate();
}
