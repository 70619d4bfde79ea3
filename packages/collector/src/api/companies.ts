import { z } from 'zod';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { scoreCompany, type ScoreBreakdown } from '../score/model.js';
import { companyKeyShape, companySorts, type CompanyRow } from '../store/company-queries.js';
import { getSiteScoringModel } from '../store/site-settings.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { companyDetailModel, companyModel, errorModel, paginationModel } from './models.js';
import { sendListPage } from './list-response.js';
import { iso, renderCompany, renderContact, renderPageView } from './render.js';
import { booleanParam, cursorParam, searchParam, idParam, intParam, isoTime, noQuery, pagingOf, pagingParams, parseQuery } from './schemas.js';

export const companyListQuery = z.strictObject({
  ...pagingParams,
  min_score: intParam('min_score', 0, 100).optional().describe('Only companies with at least this lead score (0-100)'),
  q: searchParam(
    'Words that begin words of the company name or domain, in any order, ignoring case and accents: acme, "acme corp" and acme.com find Acme Corp (acme.com)',
  ),
  industry: z.string().max(100, 'industry must be at most 100 characters').optional().describe('Exact industry, case-insensitive'),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code such as US')
    .transform((c) => c.toUpperCase())
    .optional()
    .describe('ISO 3166-1 alpha-2 country code'),
  size: z.string().max(40, 'size must be at most 40 characters').optional().describe('Exact size range, e.g. 51-200'),
  seen_after: isoTime('seen_after').optional().describe('Only companies last seen at or after this time'),
  seen_before: isoTime('seen_before').optional().describe('Only companies last seen at or before this time'),
  watched: booleanParam('watched')
    .optional()
    .describe('true: only the companies the watch list covers (their domain or a parent domain is watched); false: only the others'),
  sort: z
    .enum(companySorts, { error: `sort must be one of ${companySorts.join(', ')}` })
    .default('-leadScore')
    .describe('Order; a leading "-" means descending. -leadScore sorts by score, then most recently seen'),
  cursor: cursorParam,
});

const listResponse = z.object({ companies: z.array(companyModel), pagination: paginationModel });
const notFoundResponse = { description: "No such company on this key's site", schema: errorModel };

/** The score breakdown the rescoring job stored, or one computed now from the stored aggregates. */
function breakdownOf(ctx: AppContext, row: CompanyRow, paths: Array<{ path: string; views: number }>): ScoreBreakdown | null {
  if (row.score_breakdown) {
    try {
      return JSON.parse(row.score_breakdown) as ScoreBreakdown;
    } catch {
      // A breakdown that does not parse is recomputed below rather than failing the request.
    }
  }
  if (row.last_seen === null) return null;
  const facts = {
    pageViews: row.page_views,
    engagedSeconds: row.engaged_ms / 1000,
    visitors: row.visitor_count,
    sessions: row.sessions,
    lastSeenMs: row.last_seen,
    pathViews: paths,
    industry: row.industry,
    size: row.size,
    country: row.country,
    watched: false,
  };
  return scoreCompany(facts, getSiteScoringModel(ctx.db, row.site_id), ctx.now());
}

export const companyEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/companies',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(companyListQuery, req.query);
      const { siteId } = callerOf(res);
      const filters = {
        minScore: query.min_score,
        q: query.q,
        industry: query.industry,
        country: query.country,
        size: query.size,
        seenAfter: query.seen_after,
        seenBefore: query.seen_before,
        watched: query.watched,
      };
      const paging = pagingOf(query, req.query, 'companies', query.sort, companyKeyShape(query.sort));
      const view = { name: 'company', options: { logoUrlTemplate: ctx.config.logoUrlTemplate } };
      const page = await ctx.reads.renderList(view, 'listCompanies', siteId, filters, {
        limit: paging.limit,
        offset: paging.offset,
        after: paging.after,
        sort: query.sort,
      });
      sendListPage(res, 'companies', page, paging, query.limit);
    },
    doc: {
      tag: 'Companies',
      summary: 'List identified companies',
      description: "A paginated list of the companies identified on the key's site, sorted by lead score and then most recent visit. Requires at least read permission.",
      query: companyListQuery,
      responses: { 200: { description: 'One page of companies', schema: listResponse } },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/companies/{id}',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const id = idParam('id').safeParse(req.params.id);
      const { siteId } = callerOf(res);
      const row = id.success ? await ctx.reads.run('getCompany', siteId, id.data) : null;
      if (!row) throw notFound(`No company with id "${String(req.params.id).slice(0, 100)}"`);
      const [paths, contacts, recentPageViews] = await Promise.all([
        ctx.reads.run('listCompanyTopPaths', row.id, 50),
        ctx.reads.run('listCompanyContacts', siteId, row, 50),
        ctx.reads.run('listRecentCompanyPageViews', siteId, row.id, 20),
      ]);
      const body: z.infer<typeof companyDetailModel> = {
        company: {
          ...renderCompany(row, ctx.config.logoUrlTemplate),
          pageViews: row.page_views,
          sessions: row.sessions,
          engagedSeconds: Math.round(row.engaged_ms / 1000),
          custom: JSON.parse(row.custom) as Record<string, unknown>,
          scoredAt: row.scored_at === null ? null : iso(row.scored_at),
        },
        score: breakdownOf(ctx, row, paths),
        topPages: paths.slice(0, 10),
        contacts: contacts.map(renderContact),
        recentPageViews: recentPageViews.map(renderPageView),
      };
      res.json(body);
    },
    doc: {
      tag: 'Companies',
      summary: 'Get one company',
      query: noQuery,
      description: 'The company with its score breakdown, its ten most viewed pages, its known contacts (up to 50) and its 20 latest page views.',
      pathParams: { id: 'Company id, e.g. comp_a1b2c3d4' },
      responses: { 200: { description: 'The company', schema: companyDetailModel }, 404: notFoundResponse },
    },
  },
];
