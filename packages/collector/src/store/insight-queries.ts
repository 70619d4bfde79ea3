import type { Db } from './db.js';
import { dayMs, quarterMs } from './insight-rollups.js';
import { siteNumber } from './keys.js';
import { prepared } from './prepared.js';

/** The rollup sums behind GET /api/dashboard/insights, for a window from `fromMs` to now; the shaping is insights/cohorts.ts's. */
export interface InsightSums {
  segments: Array<{ facet: 'industry' | 'size'; value: string; companies: number; visitors: number }>;
  pages: Array<{ path: string; title: string | null; views: number; companies: number; scoreSum: number }>;
  referrers: Array<{ domain: string; visits: number }>;
  /** Non-bot page views of each local day, between the day edges given. */
  days: number[];
  siteDomains: string[];
}

/**
 * A window that starts on a quarter-hour edge is the quarters up to the next UTC midnight
 * and the whole UTC days after it (migration 011): the two ranges below, each a seek.
 */
function ranges(fromMs: number): { fromQuarter: number; dayQuarter: number; fromDay: number } {
  const fromDay = Math.ceil(fromMs / dayMs);
  return { fromQuarter: Math.ceil(fromMs / quarterMs), dayQuarter: (fromDay * dayMs) / quarterMs, fromDay };
}

/** How many of the most viewed paths are ranked by score (the 50). */
export const rankedPaths = 50;

/**
 * The sums for a window from `fromMs` to now; `dayEdges` are the starts of its local days and
 * the end of the last (insights/calendar.ts localDays), each on a quarter-hour edge.
 */
export function readInsightSums(db: Db, siteId: string, fromMs: number, dayEdges: readonly number[]): InsightSums {
  const site = siteNumber(db, siteId);
  const siteDomains = prepared<[string], string>(db, 'SELECT domain FROM site_domains WHERE site_id = ? ORDER BY domain').pluck(true).all(siteId);
  if (site === null) return { segments: [], pages: [], referrers: [], days: dayEdges.slice(1).map(() => 0), siteDomains };
  const r = { site, ...ranges(fromMs) };
  // Each table's key starts (site, grain, bucket): the window is two seeks, summed.
  const inWindow = (columns: string, table: string) =>
    `SELECT ${columns} FROM ${table} WHERE site = @site AND grain = 0 AND bucket >= @fromQuarter AND bucket < @dayQuarter
     UNION ALL SELECT ${columns} FROM ${table} WHERE site = @site AND grain = 1 AND bucket >= @fromDay`;
  const segments = prepared<typeof r, InsightSums['segments'][number]>(
    db,
    `SELECT facet, value, sum(companies) AS companies, sum(visitors) AS visitors
       FROM (${inWindow('facet, value, companies, visitors', 'insight_segments')}) GROUP BY facet, value`,
  ).all(r);
  const top = prepared<typeof r & { limit: number }, { path: string; views: number }>(
    db,
    `SELECT path, sum(views) AS views FROM (${inWindow('path, views', 'insight_path_views')}) GROUP BY path ORDER BY views DESC, path LIMIT @limit`,
  ).all({ ...r, limit: rankedPaths });
  // Current scores: the marks hold each company's score as it is now (migration 011's trigger).
  const marks = new Map(
    prepared<typeof r, { path: string; companies: number; scoreSum: number }>(
      db,
      `SELECT path, sum(companies) AS companies, sum(score_sum) AS scoreSum FROM (${inWindow('path, companies, score_sum', 'insight_path_marks')}) GROUP BY path`,
    )
      .all(r)
      .map((m) => [m.path, m]),
  );
  const title = prepared<[number, string], string>(db, 'SELECT title FROM insight_path_titles WHERE site = ? AND path = ?').pluck(true);
  const pages = top.map((p) => ({
    path: p.path,
    title: title.get(site, p.path) ?? null,
    views: p.views,
    companies: marks.get(p.path)?.companies ?? 0,
    scoreSum: marks.get(p.path)?.scoreSum ?? 0,
  }));
  const referrers = prepared<typeof r, { domain: string; visits: number }>(
    db,
    `SELECT domain, sum(visits) AS visits FROM (${inWindow('domain, visits', 'insight_referrers')}) GROUP BY domain`,
  ).all(r);
  // Each local day's views summed in SQL, a seek a day: a year's quarter-hours are thousands of
  // rows, which cost more to hand to JavaScript than to sum.
  const dayRanges = JSON.stringify(dayEdges.slice(1).map((end, i) => [Math.ceil(dayEdges[i]! / quarterMs), Math.ceil(end / quarterMs)]));
  const days = prepared<{ site: number; ranges: string }, number>(
    db,
    `SELECT (SELECT coalesce(sum(q.views), 0) FROM insight_quarters q
              WHERE q.site = @site AND q.bucket >= json_extract(d.value, '$[0]') AND q.bucket < json_extract(d.value, '$[1]'))
       FROM json_each(@ranges) d ORDER BY d.key`,
  )
    .pluck(true)
    .all({ site, ranges: dayRanges });
  return { segments, pages, referrers, days, siteDomains };
}
