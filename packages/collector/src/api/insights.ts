import { z } from 'zod';
import { isTimeZone, localDays, weekdayCounts, weekdays, windowOf } from '../insights/calendar.js';
import { sizeBreakdown, topIndustries, topPagesByScore, topReferrers } from '../insights/cohorts.js';
import { siteTimeZone } from '../store/site-settings.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { iso } from './render.js';
import { intParam, parseQuery } from './schemas.js';

export const insightsQuery = z.strictObject({
  days: intParam('days', 1, 365).default(30).describe('How many local days, today included (1-365, default 30)'),
  tz: z
    .string()
    .max(64, 'tz must be an IANA time zone such as Europe/Berlin')
    .refine(isTimeZone, 'tz must be an IANA time zone such as Europe/Berlin')
    .optional()
    .describe("IANA time zone of the days and the day of week (default: the site's timezone setting, else UTC)"),
});

export const insightsModel = z.object({
  period: z.object({
    from: z.string().describe('Start of the first local day of the window (ISO 8601, UTC)'),
    to: z.string().describe('Now'),
    days: z.int(),
    tz: z.string(),
  }),
  topIndustries: z
    .array(z.object({ industry: z.string().describe('"" when unknown'), visitorCount: z.int(), companyCount: z.int() }))
    .describe("Top 10 industries of the companies seen, by the sum of each company's distinct visitors; ties by name"),
  companySizeBreakdown: z
    .array(z.object({ size: z.string().describe('"" when unknown (last)'), companyCount: z.int(), visitorCount: z.int() }))
    .describe('Every size range, smallest first, zero counts included, unknown last'),
  topPagesByScore: z
    .array(z.object({ path: z.string(), title: z.string().nullable(), pageViews: z.int(), companyCount: z.int(), averageLeadScore: z.number() }))
    .describe('The 50 most viewed paths ranked by the average current lead score of the distinct companies that viewed them, top 10; ties by views'),
  topReferrers: z
    .array(z.object({ domain: z.string(), visits: z.int() }))
    .describe("Top 10 referrer domains by the visits they started; the site's own and direct left out"),
  dayOfWeekActivity: z.array(z.object({ day: z.enum(weekdays), pageViews: z.int() })).describe('Page views by local day of week, Sunday first, always seven'),
});

export const insightEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/dashboard/insights',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(insightsQuery, req.query);
      const { siteId } = callerOf(res);
      const tz = query.tz ?? siteTimeZone(ctx.db, siteId);
      const { from, to } = windowOf(tz, ctx.now(), query.days);
      const { dates, edges } = localDays(tz, from, to);
      const sums = await ctx.reads.run('readInsightSums', siteId, from, edges);
      const days = weekdayCounts(dates, sums.days);
      const body: z.infer<typeof insightsModel> = {
        period: { from: iso(from), to: iso(to), days: query.days, tz },
        topIndustries: topIndustries(sums.segments),
        companySizeBreakdown: sizeBreakdown(sums.segments),
        topPagesByScore: topPagesByScore(sums.pages),
        topReferrers: topReferrers(sums.referrers, sums.siteDomains),
        dayOfWeekActivity: weekdays.map((day, i) => ({ day, pageViews: days[i]! })),
      };
      res.json(body);
    },
    doc: {
      tag: 'Insights',
      summary: 'Cohort insights',
      description:
        'Who visited in the last `days` local days: industries, company sizes, the pages high-scoring companies read, referrers and the day of the week. Bots never count. Industry, size and lead score are read at answer time; page views reach the figures within seconds of being stored (a follower keeps rollups). Requires read permission.',
      query: insightsQuery,
      responses: { 200: { description: 'The insights', schema: insightsModel } },
    },
  },
];
