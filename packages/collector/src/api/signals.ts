import { z } from 'zod';
import { signalTypes, type Signal } from '../alerts/signal.js';
import { notFound } from '../errors.js';
import { companyDomainOrNull } from '../mapping/domain.js';
import type { SignalRow } from '../store/signals.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { errorModel, paginationModel } from './models.js';
import { iso, pagination } from './render.js';
import { idParam, isoTime, noQuery, pagingParams, parseQuery } from './schemas.js';

const signalListQuery = z.strictObject({
  ...pagingParams,
  type: z
    .enum(signalTypes, { error: `type must be one of ${signalTypes.join(', ')}` })
    .optional()
    .describe('Only signals of this type'),
  domain: z
    .string()
    .max(300, 'domain must be at most 300 characters')
    .transform((value, ctx) => {
      const domain = companyDomainOrNull(value);
      if (domain === null) {
        ctx.addIssue({ code: 'custom', message: 'domain must be a domain name such as acme.com' });
        return z.NEVER;
      }
      return domain;
    })
    .meta({ type: 'string' })
    .optional()
    .describe('Only signals about the company with this domain (normalised: https://www.Acme.com is acme.com)'),
  company_id: idParam('company_id').optional().describe('Only signals about this company'),
  completed_after: isoTime('completed_after').optional().describe('Only signals completed at or after this time (a visit still going on has none)'),
  completed_before: isoTime('completed_before').optional().describe('Only signals completed at or before this time'),
});

const timestamp = z.string().meta({ format: 'date-time' });
const signalModel = z.object({
  id: z.string().describe('UUID v4; the webhook-id of its deliveries'),
  type: z.enum(signalTypes),
  company: z.object({ id: z.string(), name: z.string(), domain: z.string().nullable(), leadScore: z.int() }).nullable(),
  contact: z
    .object({
      id: z.string(),
      email: z.string().nullable(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      jobTitle: z.string().nullable(),
      linkedinUrl: z.string().nullable(),
    })
    .nullable(),
  summary: z.string().describe('One plain sentence'),
  data: z
    .record(z.string(), z.unknown())
    .describe(
      'The facts. watchlist.hit: watchList {domain, companyName, notes}, pages [{url, title, at}] (the first 100) and pageViews; company.identified: page; lead.hot: score, minScore and breakdown; contact.identified: source',
    ),
  createdAt: timestamp,
  completedAt: timestamp.nullable().describe("When the thing reported was over: the moment itself, or a visit's last page view (null while the visit goes on)"),
});
const listModel = z.object({ signals: z.array(signalModel), pagination: paginationModel });

function renderSignal(row: SignalRow): z.infer<typeof signalModel> {
  const { siteId, ...signal } = JSON.parse(row.body) as Signal;
  void siteId;
  return { ...signal, completedAt: row.completed_at === null ? null : iso(row.completed_at) };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const signalEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/signals',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(signalListQuery, req.query);
      const { siteId } = callerOf(res);
      const filters = {
        type: query.type,
        domain: query.domain,
        companyId: query.company_id,
        completedAfter: query.completed_after,
        completedBefore: query.completed_before,
      };
      const page = await ctx.reads.run('listSignals', siteId, filters, { limit: query.limit, offset: (query.page - 1) * query.limit });
      res.json({ signals: page.rows.map(renderSignal), pagination: pagination(query.page, query.limit, page.total) } satisfies z.infer<typeof listModel>);
    },
    doc: {
      tag: 'Signals',
      summary: 'List signals',
      description:
        "ClearView's own events on the site, newest first: watchlist.hit (a watched company's visit: one signal a visit, its pages added as it goes on), company.identified, lead.hot (a score reaching alerts.minScore; again only after falling 5 below) and contact.identified.",
      query: signalListQuery,
      responses: { 200: { description: 'One page of signals', schema: listModel } },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/signals/{id}',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const id = String(req.params.id);
      const { siteId } = callerOf(res);
      const row = uuid.test(id) ? await ctx.reads.run('getSignal', siteId, id) : null;
      if (!row) throw notFound(`No signal with id "${id.slice(0, 100)}"`);
      res.json(renderSignal(row));
    },
    doc: {
      tag: 'Signals',
      summary: 'Get one signal',
      query: noQuery,
      pathParams: { id: 'Signal id (UUID v4)' },
      responses: { 200: { description: 'The signal', schema: signalModel }, 404: { description: "No such signal on this key's site", schema: errorModel } },
    },
  },
];
