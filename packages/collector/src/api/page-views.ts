import { z } from 'zod';
import { badRequest } from '../errors.js';
import { pageViewKeyShape } from '../store/page-view-queries.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { pageViewModel, paginationModel } from './models.js';
import { sendListPage } from './list-response.js';
import { booleanParam, cursorParam, idParam, isoTime, pagingOf, pagingParams, parseQuery } from './schemas.js';

export const pageViewListQuery = z.strictObject({
  ...pagingParams,
  company_id: idParam('company_id').optional().describe('Only page views resolved to this company'),
  visitor_id: z
    .string()
    .max(100, 'visitor_id must be at most 100 characters')
    .regex(/^[A-Za-z0-9_-]+$/, 'visitor_id must be a visitor id as listed by /api/v1/visitors')
    .optional()
    .describe('Only page views of this visitor'),
  since: isoTime('since').optional().describe('Only page views at or after this time (ISO 8601)'),
  until: isoTime('until').optional().describe('Only page views before this time (ISO 8601)'),
  include_bots: booleanParam('include_bots').default(false).describe('Include page views flagged as bots (excluded by default)'),
  cursor: cursorParam,
});

export const pageViewEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/page-views',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(pageViewListQuery, req.query);
      if (query.since !== undefined && query.until !== undefined && query.since >= query.until) {
        throw badRequest('since must be earlier than until', [{ field: 'since', message: 'must be earlier than until' }]);
      }
      const { siteId } = callerOf(res);
      const filters = { companyId: query.company_id, visitorId: query.visitor_id, since: query.since, until: query.until, includeBots: query.include_bots };
      const paging = pagingOf(query, req.query, 'page-views', '-timestamp', pageViewKeyShape);
      const page = await ctx.reads.renderList({ name: 'pageView' }, 'listPageViews', siteId, filters, paging);
      sendListPage(res, 'pageViews', page, paging, query.limit);
    },
    doc: {
      tag: 'Page views',
      summary: 'List page views',
      description:
        'A paginated list of page views, newest first, each with its visitor, company, URL, path, title, referrer, time, engaged seconds, browser, OS, device, country and bot flag. Bots are excluded unless include_bots=true.',
      query: pageViewListQuery,
      responses: { 200: { description: 'One page of page views', schema: z.object({ pageViews: z.array(pageViewModel), pagination: paginationModel }) } },
    },
  },
];
