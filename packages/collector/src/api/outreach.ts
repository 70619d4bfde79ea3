import { z } from 'zod';
import { badRequest, conflict, notFound } from '../errors.js';
import { makeDraft } from '../make-draft.js';
import { getDraft, listDrafts, updateDraft, type DraftRow } from '../store/outreach-drafts.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { errorModel, paginationModel } from './models.js';
import { iso, pagination } from './render.js';
import { pagingParams, parseBody, parseQuery } from './schemas.js';

const statusFilter = ['pending', 'sent', 'dismissed', 'all'] as const;

export const outreachListQuery = z.strictObject({
  status: z
    .enum(statusFilter, { error: `status must be one of ${statusFilter.join(', ')}` })
    .default('pending')
    .describe('Which drafts (default pending)'),
  contact_id: z.string().max(100, 'contact_id must be at most 100 characters').optional().describe("Only this contact's drafts"),
  ...pagingParams,
});

export const draftModel = z.object({
  id: z.string().describe('draft_...'),
  subject: z.string(),
  body: z.string().describe('Plain text'),
  status: z.enum(['pending', 'sent', 'dismissed']),
  intent: z.enum(['highIntent', 'general']).describe('The template used: highIntent when a page matching outreach.highIntentPatterns was viewed'),
  createdAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().nullable().describe('When the user marked it sent (ClearView never sends drafts)'),
  contact: z.object({
    id: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string(),
    jobTitle: z.string().nullable(),
    company: z
      .object({ id: z.string(), name: z.string().nullable(), domain: z.string(), leadScore: z.int() })
      .nullable()
      .describe('null for a contact without one (a free-mail address)'),
  }),
});

export const outreachCreateBody = z
  .strictObject({
    contactId: z.string({ error: 'contactId must be a string' }).max(100, 'contactId must be at most 100 characters').optional(),
    email: z.string({ error: 'email must be a string' }).max(320, 'email must be at most 320 characters').optional(),
  })
  .describe('Exactly one of contactId and email');

export const outreachPatchBody = z
  .strictObject({
    id: z.string({ error: 'id must be a string' }).max(100, 'id must be at most 100 characters'),
    status: z.enum(['pending', 'sent', 'dismissed'], { error: 'status must be one of pending, sent, dismissed' }).optional(),
    subject: z.string({ error: 'subject must be a string' }).max(5_000, 'subject must be at most 5000 characters').optional(),
    body: z.string({ error: 'body must be a string' }).max(5_000, 'body must be at most 5000 characters').optional(),
  })
  .describe('Marks a pending draft sent or dismissed, and/or edits its text while pending');

function renderDraft(row: DraftRow): z.infer<typeof draftModel> {
  return {
    id: row.id,
    subject: row.subject,
    body: row.body,
    status: row.status,
    intent: row.intent,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    sentAt: row.sent_at === null ? null : iso(row.sent_at),
    contact: {
      id: row.contact_id,
      firstName: row.first_name,
      lastName: row.last_name,
      email: row.email,
      jobTitle: row.job_title,
      company: row.company_id === null ? null : { id: row.company_id, name: row.company_name, domain: row.company_domain!, leadScore: row.lead_score ?? 0 },
    },
  };
}

const listResponse = z.object({ drafts: z.array(draftModel), pagination: paginationModel });
const draftResponse = z.object({ draft: draftModel });

export const outreachEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/dashboard/outreach',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    handle(ctx, req, res) {
      const query = parseQuery(outreachListQuery, req.query);
      const { siteId } = callerOf(res);
      const { rows, total } = listDrafts(
        ctx.db,
        siteId,
        { status: query.status, contactId: query.contact_id },
        { limit: query.limit, offset: (query.page - 1) * query.limit },
      );
      res.json({ drafts: rows.map(renderDraft), pagination: pagination(query.page, query.limit, total) });
    },
    doc: {
      tag: 'Outreach',
      summary: 'List outreach drafts',
      description: 'Drafts newest first; pending ones by default. Requires read permission.',
      query: outreachListQuery,
      responses: { 200: { description: 'One page of drafts', schema: listResponse } },
    },
  },
  {
    method: 'POST',
    path: '/api/dashboard/outreach',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    bodyLimit: 4 * 1024,
    handle(ctx, req, res) {
      const body = parseBody(outreachCreateBody, req.body);
      if ((body.contactId === undefined) === (body.email === undefined)) {
        throw badRequest('Give exactly one of contactId and email', [{ field: 'contactId', message: 'give contactId or email, not both or neither' }]);
      }
      const { siteId } = callerOf(res);
      const by = body.contactId !== undefined ? { contactId: body.contactId } : { email: body.email! };
      const made = makeDraft(ctx.db, siteId, by, ctx.now());
      if (!made) throw notFound(body.contactId !== undefined ? `No contact with id "${body.contactId.slice(0, 100)}"` : 'No contact with that email');
      res.status(made.created ? 201 : 200).json({ draft: renderDraft(getDraft(ctx.db, siteId, made.id)!) });
    },
    doc: {
      tag: 'Outreach',
      summary: 'Generate a draft for a contact',
      description:
        "Makes a draft from the contact's name, job title, company and the pages they (or, when no visitor is linked to them, their company) viewed in the last 30 days. A contact has at most one pending draft: generating again rewrites it in place (200, same id); a new draft is 201. Requires write permission.",
      body: outreachCreateBody,
      bodyExample: { contactId: 'ct_a1b2c3d4e5f6' },
      responses: {
        200: { description: 'The pending draft, rewritten', schema: draftResponse },
        201: { description: 'A new draft', schema: draftResponse },
        404: { description: "No such contact on this key's site", schema: errorModel },
      },
    },
  },
  {
    method: 'PATCH',
    path: '/api/dashboard/outreach',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    bodyLimit: 16 * 1024,
    handle(ctx, req, res) {
      const body = parseBody(outreachPatchBody, req.body);
      const { siteId } = callerOf(res);
      if (body.status === 'pending') {
        const current = getDraft(ctx.db, siteId, body.id);
        if (!current) throw notFound(`No draft with id "${body.id.slice(0, 100)}"`);
        // Only pending -> sent and pending -> dismissed: a draft is never reopened, and pending -> pending is no transition.
        throw conflict(`The draft is ${current.status}; only a pending draft can be marked sent or dismissed`);
      }
      const result = updateDraft(ctx.db, siteId, body.id, { status: body.status, subject: body.subject, body: body.body }, ctx.now());
      if (result.outcome === 'not_found') throw notFound(`No draft with id "${body.id.slice(0, 100)}"`);
      if (result.outcome === 'not_pending') throw conflict(`The draft is ${result.status}; only a pending draft can change`);
      res.json({ draft: renderDraft(getDraft(ctx.db, siteId, body.id)!) });
    },
    doc: {
      tag: 'Outreach',
      summary: 'Mark a draft sent or dismissed, or edit it',
      description:
        'Only pending -> sent and pending -> dismissed; any other transition is 409 saying the current status. subject and body can be edited only while the draft is pending. Requires write permission.',
      body: outreachPatchBody,
      bodyExample: { id: 'draft_a1b2c3d4e5f6', status: 'sent' },
      responses: {
        200: { description: 'The draft after the change', schema: draftResponse },
        404: { description: "No such draft on this key's site", schema: errorModel },
        409: { description: 'The draft is not pending', schema: errorModel },
      },
    },
  },
];
