import { z } from 'zod';
import { visitorKeyShape } from '../store/visitor-queries.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { paginationModel, visitorModel } from './models.js';
import { sendListPage } from './list-response.js';
import { booleanParam, cursorParam, idParam, pagingOf, pagingParams, parseQuery } from './schemas.js';

export const visitorListQuery = z.strictObject({
  ...pagingParams,
  company_id: idParam('company_id').optional().describe('Only visitors resolved to this company'),
  include_bots: booleanParam('include_bots').default(false).describe('Include visitors flagged as bots (excluded by default)'),
  cursor: cursorParam,
});

export const visitorEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/visitors',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(visitorListQuery, req.query);
      const { siteId } = callerOf(res);
      const paging = pagingOf(query, req.query, 'visitors', '-lastSeen', visitorKeyShape);
      const page = await ctx.reads.renderList({ name: 'visitor' }, 'listVisitors', siteId, { companyId: query.company_id, includeBots: query.include_bots }, paging);
      sendListPage(res, 'visitors', page, paging, query.limit);
    },
    doc: {
      tag: 'Visitors',
      summary: 'List visitors',
      description: "A paginated list of the site's visitors, most recently seen first. Bots are excluded unless include_bots=true.",
      query: visitorListQuery,
      responses: { 200: { description: 'One page of visitors', schema: z.object({ visitors: z.array(visitorModel), pagination: paginationModel }) } },
    },
  },
];
