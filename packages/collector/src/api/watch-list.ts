import type { Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { badRequest, conflict, HttpError, notFound, unprocessable } from '../errors.js';
import { domainRejectionText, normalizeCompanyDomain, type DomainRejection } from '../mapping/domain.js';
import { addWatchDomains, addWatchEntry, getWatchEntry, removeWatchEntry, updateWatchEntry, type WatchRow } from '../store/watch-list.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { errorModel, paginationModel } from './models.js';
import { iso, pagination } from './render.js';
import { pagingParams, parseBody, parseQuery } from './schemas.js';
import { rescoreInSlices } from './settings.js';

/** The seed's bulk upload: at most this many domains a request (more is 413). */
export const maxBulkDomains = 10_000;

const watchListQuery = z.strictObject({
  ...pagingParams,
  q: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'q must not be empty')
    .max(100, 'q must be at most 100 characters')
    .optional()
    .describe('Text found in the domain or the company name, ignoring case'),
});

const domainField = z
  .string({ error: 'domain must be a string' })
  .max(2000, 'domain must be at most 2000 characters')
  .describe('A domain, host name or URL: https://www.Acme.com/about is watched as acme.com');
const companyName = z.string({ error: 'companyName must be a string' }).trim().max(256, 'companyName must be at most 256 characters').nullable();
const notes = z.string({ error: 'notes must be a string' }).max(2000, 'notes must be at most 2000 characters').nullable();

const singleBody = z.strictObject({ domain: domainField, companyName: companyName.optional(), notes: notes.optional() });
const bulkBody = z.strictObject({
  domains: z
    .array(z.unknown(), { error: 'domains must be a list of domains' })
    .describe(`Up to ${maxBulkDomains} domains; duplicates are skipped and values that are not domains are listed in invalid, never failing the batch`),
});
const postBody = z.union([singleBody, bulkBody]);
const patchBody = singleBody;
const deleteBody = z.strictObject({ domain: domainField });
const deleteQuery = z.strictObject({ domain: domainField.optional().describe('The watched domain to remove (or give it in the body)') });

const entryModel = z.object({
  domain: z.string(),
  companyName: z.string().nullable(),
  notes: z.string().nullable(),
  addedAt: z.string().meta({ format: 'date-time' }),
  company: z
    .object({ id: z.string(), name: z.string(), leadScore: z.int(), lastSeen: z.string().meta({ format: 'date-time' }) })
    .nullable()
    .describe('The company with exactly this domain, once it has visited or been imported'),
});
const listModel = z.object({ watchList: z.array(entryModel), pagination: paginationModel });
const bulkModel = z.object({
  added: z.int().min(0).describe('Domains newly watched'),
  skipped: z.int().min(0).describe('Domains already watched, or repeated in the list'),
  invalid: z.array(z.object({ value: z.string(), reason: z.string().describe('empty, too_long, malformed, ip_address, single_label, public_suffix or not_a_string') })),
});

function renderEntry(row: WatchRow): z.infer<typeof entryModel> {
  return {
    domain: row.domain,
    companyName: row.company_name,
    notes: row.notes,
    addedAt: iso(row.added_at),
    company:
      row.company_id === null
        ? null
        : { id: row.company_id, name: row.company_label!, leadScore: Math.min(100, Math.max(0, Math.round(row.lead_score ?? 0))), lastSeen: iso(row.last_seen!) },
  };
}

/** A domain from a request, or a 422 that says why it is not one. */
function domainOf(value: string): string {
  const result = normalizeCompanyDomain(value);
  if (result.ok) return result.domain;
  const message = `domain "${value.slice(0, 60)}" ${domainRejectionText[result.reason]}`;
  throw unprocessable(`Request body validation failed: ${message}`, [{ field: 'domain', message }]);
}

/** The companies a watch-list change concerns (that domain or its subdomains) are rescored at once: the bonus shows now. */
async function rescoreUnder(ctx: AppContext, siteId: string, domains: string[]): Promise<void> {
  if (domains.length === 0) return;
  const ids = await ctx.reads.run('listCompaniesUnderDomains', siteId, domains);
  if (ids.length > 0) rescoreInSlices(ctx, ids);
}

const found = (ctx: AppContext, siteId: string, domain: string): WatchRow => {
  const row = getWatchEntry(ctx.db, siteId, domain);
  if (!row) throw notFound(`"${domain}" is not on the watch list`);
  return row;
};

function bulkAdd(ctx: AppContext, siteId: string, values: unknown[]): z.infer<typeof bulkModel> & { domains: string[] } {
  const invalid: Array<{ value: string; reason: DomainRejection | 'not_a_string' }> = [];
  const domains: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string') {
      invalid.push({ value: JSON.stringify(value) ?? 'undefined', reason: 'not_a_string' });
      continue;
    }
    const result = normalizeCompanyDomain(value);
    if (result.ok) domains.push(result.domain);
    else invalid.push({ value: value.slice(0, 300), reason: result.reason });
  }
  const unique = [...new Set(domains)];
  const added = addWatchDomains(ctx.db, siteId, unique, ctx.now());
  return { added, skipped: domains.length - added, invalid, domains: unique };
}

/** The domain of a DELETE: in the body or in ?domain=, not two different ones. */
function deleteDomain(req: Request): string {
  const query = parseQuery(deleteQuery, req.query);
  const hasBody = req.body !== undefined && req.body !== null && !(typeof req.body === 'object' && Object.keys(req.body as object).length === 0);
  const fromBody = hasBody ? parseBody(deleteBody, req.body).domain : undefined;
  if (fromBody !== undefined && query.domain !== undefined) throw badRequest('Give the domain in the body or in ?domain=, not both');
  const value = fromBody ?? query.domain;
  if (value === undefined)
    throw badRequest('Give the domain to remove: {"domain": "acme.com"} in the body or ?domain=acme.com', [{ field: 'domain', message: 'domain is required' }]);
  return domainOf(value);
}

const notWatched = { description: 'The domain is not on the watch list', schema: errorModel };

export const watchListEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/dashboard/watch-list',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(watchListQuery, req.query);
      const { siteId } = callerOf(res);
      const page = await ctx.reads.run('listWatchList', siteId, { q: query.q }, { limit: query.limit, offset: (query.page - 1) * query.limit });
      res.json({ watchList: page.rows.map(renderEntry), pagination: pagination(query.page, query.limit, page.total) } satisfies z.infer<typeof listModel>);
    },
    doc: {
      tag: 'Watch list',
      summary: 'List watched domains',
      description: "The site's target accounts, newest first, each with the company of that domain once it is known.",
      query: watchListQuery,
      responses: { 200: { description: 'One page of the watch list', schema: listModel } },
    },
  },
  {
    method: 'POST',
    path: '/api/dashboard/watch-list',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    bodyLimit: 2 * 1024 * 1024,
    async handle(ctx, req, res) {
      const body = req.body as Record<string, unknown> | null;
      if (body !== null && typeof body === 'object' && 'domain' in body && 'domains' in body) {
        throw badRequest('Send one domain ({"domain": ...}) or a list ({"domains": [...]}), not both');
      }
      if (body !== null && typeof body === 'object' && Array.isArray(body.domains) && body.domains.length > maxBulkDomains) {
        throw new HttpError(413, `domains lists ${body.domains.length} values; send at most ${maxBulkDomains} a request`);
      }
      const { siteId } = callerOf(res);
      // Parsed by the form it has, so that the 422 names that form's fields.
      if (body !== null && typeof body === 'object' && 'domains' in body) {
        const { domains, ...answer } = bulkAdd(ctx, siteId, parseBody(bulkBody, body).domains);
        if (answer.added > 0) await rescoreUnder(ctx, siteId, domains);
        res.json(answer satisfies z.infer<typeof bulkModel>);
        return;
      }
      const parsed = parseBody(singleBody, body);
      const domain = domainOf(parsed.domain);
      const added = addWatchEntry(ctx.db, siteId, { domain, companyName: parsed.companyName || null, notes: parsed.notes ?? null }, ctx.now());
      if (!added) throw conflict(`"${domain}" is already on the watch list; PATCH it to change its notes`);
      await rescoreUnder(ctx, siteId, [domain]);
      res.status(201).json(renderEntry(found(ctx, siteId, domain)));
    },
    doc: {
      tag: 'Watch list',
      summary: 'Add a domain, or many',
      description:
        `One domain with its company name and notes (201; 409 if it is already watched), or {"domains": [...]} with up to ${maxBulkDomains} (200 with what was added, skipped and invalid). ` +
        'Domains are normalised (scheme, credentials, port, path, www. and a trailing dot removed, IDNs in punycode); a domain also matches its subdomains. The companies concerned are rescored at once, with the watch-list bonus.',
      body: postBody,
      bodyExample: { domain: 'google.com', companyName: 'Google', notes: 'Key target account - enterprise deal' },
      responses: {
        200: { description: 'Bulk form: what was added, skipped as already watched or repeated, and refused', schema: bulkModel },
        201: { description: 'Single form: the new entry', schema: entryModel },
        409: { description: 'The domain is already on the watch list', schema: errorModel },
        413: { description: `More than ${maxBulkDomains} domains, or a body over 2 MiB`, schema: errorModel },
      },
    },
  },
  {
    method: 'PATCH',
    path: '/api/dashboard/watch-list',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    bodyLimit: 16 * 1024,
    handle(ctx, req, res) {
      const body = parseBody(patchBody, req.body);
      const { siteId } = callerOf(res);
      const domain = domainOf(body.domain);
      const change = { companyName: body.companyName === undefined ? undefined : body.companyName || null, notes: body.notes };
      if (!updateWatchEntry(ctx.db, siteId, domain, change)) throw notFound(`"${domain}" is not on the watch list`);
      res.json(renderEntry(found(ctx, siteId, domain)));
    },
    doc: {
      tag: 'Watch list',
      summary: 'Change the company name or notes of a watched domain',
      description: 'Fields not sent are kept; null clears one.',
      body: patchBody,
      bodyExample: { domain: 'google.com', notes: 'Demo booked for March' },
      responses: { 200: { description: 'The entry after the change', schema: entryModel }, 404: notWatched },
    },
  },
  {
    method: 'DELETE',
    path: '/api/dashboard/watch-list',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    bodyLimit: 16 * 1024,
    async handle(ctx, req, res) {
      const domain = deleteDomain(req);
      const { siteId } = callerOf(res);
      if (!removeWatchEntry(ctx.db, siteId, domain)) throw notFound(`"${domain}" is not on the watch list`);
      await rescoreUnder(ctx, siteId, [domain]);
      res.json({ removed: 1 });
    },
    doc: {
      tag: 'Watch list',
      summary: 'Remove a domain from the watch list',
      description: 'The domain in the body ({"domain": "acme.com"}) or as ?domain=acme.com. Its companies lose the watch-list bonus at once.',
      query: deleteQuery,
      body: deleteBody.optional(),
      responses: { 200: { description: 'Removed', schema: z.object({ removed: z.literal(1) }) }, 404: notWatched },
    },
  },
];
