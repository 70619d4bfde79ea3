/**
 * The five cohort insights shaped from rollup sums: ranking, ties, buckets. Pure.
 */

export interface SegmentSum {
  facet: 'industry' | 'size';
  value: string;
  companies: number;
  visitors: number;
}

export interface PageSum {
  path: string;
  title: string | null;
  views: number;
  companies: number;
  scoreSum: number;
}

/** The enrichment's employee ranges, smallest first (the ones ingest and the bench use). */
export const sizeRanges = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'] as const;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Industries of the companies seen, top 10 by visitors. A visitor counts once per company,
 * so the figure is the sum of the companies' distinct visitors. Unknown is one bucket
 * named "" (as the companies API shows an unknown industry). Ties go by name.
 */
export function topIndustries(segments: readonly SegmentSum[]): Array<{ industry: string; visitorCount: number; companyCount: number }> {
  return segments
    .filter((s) => s.facet === 'industry' && s.companies > 0)
    .map((s) => ({ industry: s.value, visitorCount: s.visitors, companyCount: s.companies }))
    .sort((a, b) => b.visitorCount - a.visitorCount || byName(a.industry, b.industry))
    .slice(0, 10);
}

/** A size label's lower bound ("51-200" -> 51, "10001+" -> 10001), to order labels outside the standard ranges. */
function lowerBound(size: string): number {
  const m = /^(\d[\d,]*)/.exec(size);
  return m ? Number(m[1]!.replace(/,/g, '')) : Number.MAX_SAFE_INTEGER;
}

/**
 * Every size range in ascending order with zero counts included, then any other label seen
 * (by its lower bound), then unknown ("") last, also always present.
 */
export function sizeBreakdown(segments: readonly SegmentSum[]): Array<{ size: string; companyCount: number; visitorCount: number }> {
  const seen = new Map<string, SegmentSum>();
  for (const s of segments) if (s.facet === 'size' && s.companies > 0) seen.set(s.value, s);
  const standard = new Set<string>(sizeRanges);
  const others = [...seen.keys()].filter((v) => v !== '' && !standard.has(v)).sort((a, b) => lowerBound(a) - lowerBound(b) || byName(a, b));
  return [...sizeRanges, ...others, ''].map((size) => ({ size, companyCount: seen.get(size)?.companies ?? 0, visitorCount: seen.get(size)?.visitors ?? 0 }));
}

/**
 * The most viewed paths (given, at most 50) ranked by the average current lead score of
 * the distinct companies that viewed them, top 10; ties by views, then path. Pages no
 * company viewed are left out: they have no average. The average has one decimal.
 */
export function topPagesByScore(
  pages: readonly PageSum[],
): Array<{ path: string; title: string | null; pageViews: number; companyCount: number; averageLeadScore: number }> {
  return pages
    .filter((p) => p.companies > 0)
    .map((p) => ({ path: p.path, title: p.title, pageViews: p.views, companyCount: p.companies, averageLeadScore: Math.round((p.scoreSum / p.companies) * 10) / 10 }))
    .sort((a, b) => b.averageLeadScore - a.averageLeadScore || b.pageViews - a.pageViews || byName(a.path, b.path))
    .slice(0, 10);
}

/** Whether a referrer domain is the site's own: a registered domain or a subdomain of one. */
function isOwn(domain: string, siteDomains: readonly string[]): boolean {
  return siteDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/**
 * Referrer domains ("www." already stripped at intake) by the visits they started, top 10;
 * the site's own domains are left out (moving between its pages is no source), and direct
 * traffic has no domain. Ties by name.
 */
export function topReferrers(referrers: ReadonlyArray<{ domain: string; visits: number }>, siteDomains: readonly string[]): Array<{ domain: string; visits: number }> {
  return referrers
    .filter((r) => r.visits > 0 && !isOwn(r.domain.replace(/^www\./, ''), siteDomains))
    .map((r) => ({ domain: r.domain.replace(/^www\./, ''), visits: r.visits }))
    .sort((a, b) => b.visits - a.visits || byName(a.domain, b.domain))
    .slice(0, 10);
}
