import { z } from 'zod';
import { badRequest, notFound } from '../errors.js';
import { normalizeSiteDomain } from '../site-domain.js';
import { contactKeyShape, deleteContact } from '../store/contact-queries.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { contactModel, errorModel, paginationModel } from './models.js';
import { sendListPage } from './list-response.js';
import { renderContact } from './render.js';
import { cursorParam, idParam, searchParam, noQuery, pagingOf, pagingParams, parseQuery } from './schemas.js';

export const contactListQuery = z.strictObject({
  ...pagingParams,
  company_domain: z.string().max(300, 'company_domain must be at most 300 characters').optional().describe('Only contacts of this company domain'),
  q: searchParam('Words that each start a word of the email, first name or last name (case- and accent-insensitive); `sarah ch` finds Sarah Chen'),
  source: z.enum(['identify', 'ingest', 'webhook'], { error: 'source must be one of identify, ingest, webhook' }).optional().describe('How the contact became known'),
  cursor: cursorParam,
});

const notFoundResponse = { description: "No such contact on this key's site", schema: errorModel };

export const contactEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/contacts',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(contactListQuery, req.query);
      const companyDomain = query.company_domain === undefined ? undefined : normalizeSiteDomain(query.company_domain);
      if (companyDomain === null) throw badRequest('company_domain must be a domain name such as acme.com', [{ field: 'company_domain', message: 'not a domain name' }]);
      const { siteId } = callerOf(res);
      const paging = pagingOf(query, req.query, 'contacts', '-updatedAt', contactKeyShape);
      const page = await ctx.reads.renderList({ name: 'contact' }, 'listContacts', siteId, { companyDomain, q: query.q, source: query.source }, paging);
      sendListPage(res, 'contacts', page, paging, query.limit);
    },
    doc: {
      tag: 'Contacts',
      summary: 'List contacts',
      description: 'The people known on the site (from identify calls, ingest and webhooks), latest updated first.',
      query: contactListQuery,
      responses: { 200: { description: 'One page of contacts', schema: z.object({ contacts: z.array(contactModel), pagination: paginationModel }) } },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/contacts/{id}',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const id = idParam('id').safeParse(req.params.id);
      const { siteId } = callerOf(res);
      const contact = id.success ? await ctx.reads.run('getContact', siteId, id.data) : null;
      if (!contact) throw notFound(`No contact with id "${String(req.params.id).slice(0, 100)}"`);
      res.json(renderContact(contact));
    },
    doc: {
      tag: 'Contacts',
      summary: 'Get one contact',
      description: 'A contact by id (the upId of /resolve).',
      query: noQuery,
      pathParams: { id: 'Contact id, e.g. ct_a1b2c3d4e5f6' },
      responses: { 200: { description: 'The contact', schema: contactModel }, 404: notFoundResponse },
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/contacts/{id}',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const id = idParam('id').safeParse(req.params.id);
      const { siteId } = callerOf(res);
      if (!id.success || !deleteContact(ctx.db, siteId, id.data)) throw notFound(`No contact with id "${String(req.params.id).slice(0, 100)}"`);
      res.json({ id: id.data, deleted: true });
    },
    doc: {
      tag: 'Contacts',
      summary: 'Erase a contact',
      description:
        "Deletes the person's record, for example on a GDPR erasure request. Visitors it was linked to keep their (anonymous) page views but no longer point to a person. Sending the same person again through identify, ingest or a webhook creates a new contact.",
      query: noQuery,
      pathParams: { id: 'Contact id, e.g. ct_a1b2c3d4e5f6' },
      responses: { 200: { description: 'Erased', schema: z.object({ id: z.string(), deleted: z.literal(true) }) }, 404: notFoundResponse },
    },
  },
];
