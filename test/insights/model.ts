/**
 * Test data for the insights tests and the answers they expect, computed from the rows the
 * test sends by brute force: Intl for local dates, plain loops for counts. Nothing here
 * shares code with the collector.
 */

export interface SentPageView {
  ip: string;
  path: string;
  title: string;
  ts: number;
  referrer: string | null;
  bot: boolean;
  /** Sent within its visitor's session, after an earlier page view of it: no visit, whatever its referrer. */
  continuesSession?: boolean;
}

export interface SentCompany {
  domain: string;
  name: string;
  industry: string | null;
  size: string | null;
}

export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const paths = [
  '/',
  '/pricing',
  '/demo',
  '/blog/one',
  '/blog/two',
  '/docs',
  '/about',
  '/contact',
  '/integrations/salesforce',
  '/careers',
  '/security',
  '/features',
];

export interface Dataset {
  companies: SentCompany[];
  /** IP -> company domain (null: no company). */
  ips: Map<string, string | null>;
  pageViews: SentPageView[];
}

/**
 * Companies with an IP block each, anonymous IPs, and page views over `spanDays` before now.
 * Referred page views come from an IP used for that one page view only, so each begins its
 * visit without the test knowing how the collector cuts sessions.
 */
export function makeDataset(seed: number, now: number, spanDays: number, count: number): Dataset {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const industries = ['Software', 'Finance', 'Healthcare', 'Retail', null];
  const sizes = ['1-10', '51-200', '1001-5000', '10001+', null, '2-5 people'];
  const companies: SentCompany[] = [];
  const ips = new Map<string, string | null>();
  for (let i = 0; i < 12; i++) {
    const domain = `company${i}.example`;
    companies.push({ domain, name: `Company ${i}`, industry: pick(industries), size: pick(sizes) });
    for (let v = 0; v < 1 + (i % 4); v++) ips.set(`198.51.${i}.${v + 1}`, domain);
  }
  for (let v = 0; v < 6; v++) ips.set(`203.0.113.${v + 1}`, null);
  const pool = [...ips.keys()];
  const pageViews: SentPageView[] = [];
  let single = 0;
  for (let n = 0; n < count; n++) {
    const ts = now - Math.floor(random() * spanDays * 86_400_000) - 1000;
    const path = pick(paths);
    const title = `${path === '/' ? 'Home' : path.slice(1)} | Test site`;
    if (random() < 0.1) {
      // A visitor seen once, from a referrer (or the site's own pages, which never count).
      single += 1;
      const company = random() < 0.5 ? pick(companies).domain : null;
      const ip = `192.0.${2 + Math.floor(single / 250)}.${1 + (single % 250)}`;
      ips.set(ip, company);
      const referrer = pick([
        'https://www.google.com/search?q=x',
        'https://news.ycombinator.com/item',
        'https://example.com/blog',
        'https://docs.example.com/',
        'https://bing.com/',
      ]);
      pageViews.push({ ip, path, title, ts, referrer, bot: false });
      continue;
    }
    pageViews.push({ ip: pick(pool), path, title, ts, referrer: null, bot: random() < 0.08 });
  }
  return { companies, ips, pageViews };
}

/** The local date (YYYY-MM-DD) of an instant in a zone. */
const localDate = (tz: string, t: number) => new Date(t).toLocaleDateString('en-CA', { timeZone: tz });

/** The first quarter-hour of the local date `days - 1` before now's, found by walking forward from 15 hours before that date's UTC midnight. */
export function expectedFrom(tz: string, now: number, days: number): number {
  const today = localDate(tz, now);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1, d - (days - 1))).toISOString().slice(0, 10);
  let t = Date.parse(`${first}T00:00:00Z`) - 15 * 3_600_000;
  while (localDate(tz, t) < first) t += 900_000;
  return t;
}

export interface Expected {
  from: number;
  topIndustries: Array<{ industry: string; visitorCount: number; companyCount: number }>;
  companySizeBreakdown: Array<{ size: string; companyCount: number; visitorCount: number }>;
  topPagesByScore: Array<{ path: string; title: string; pageViews: number; companyCount: number; averageLeadScore: number }>;
  topReferrers: Array<{ domain: string; visits: number }>;
  dayOfWeekActivity: Array<{ day: string; pageViews: number }>;
}

export function expectedInsights(
  data: Dataset,
  options: {
    now: number;
    days: number;
    tz: string;
    scores: Map<string, number>;
    companies: SentCompany[];
    siteDomains: string[];
    companyOf?: (pv: SentPageView) => string | null;
  },
): Expected {
  const from = expectedFrom(options.tz, options.now, options.days);
  const companyOf = options.companyOf ?? ((pv: SentPageView) => data.ips.get(pv.ip) ?? null);
  const live = new Map(options.companies.map((c) => [c.domain, c]));
  const inWindow = data.pageViews.filter((pv) => !pv.bot && pv.ts >= from && pv.ts <= options.now);
  const visitorsOf = new Map<string, Set<string>>();
  for (const pv of inWindow) {
    const company = companyOf(pv);
    if (company === null || !live.has(company)) continue;
    if (!visitorsOf.has(company)) visitorsOf.set(company, new Set());
    visitorsOf.get(company)!.add(pv.ip);
  }
  const facet = (of: (c: SentCompany) => string) => {
    const out = new Map<string, { companies: number; visitors: number }>();
    for (const [domain, visitors] of visitorsOf) {
      const key = of(live.get(domain)!);
      const entry = out.get(key) ?? { companies: 0, visitors: 0 };
      entry.companies += 1;
      entry.visitors += visitors.size;
      out.set(key, entry);
    }
    return out;
  };
  const industries = facet((c) => c.industry ?? '');
  const topIndustries = [...industries]
    .map(([industry, e]) => ({ industry, visitorCount: e.visitors, companyCount: e.companies }))
    .sort((a, b) => b.visitorCount - a.visitorCount || (a.industry < b.industry ? -1 : 1))
    .slice(0, 10);
  const sizes = facet((c) => c.size ?? '');
  const sizeOrder = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'];
  const extra = [...sizes.keys()].filter((s) => s !== '' && !sizeOrder.includes(s)).sort();
  const companySizeBreakdown = [...sizeOrder, ...extra, ''].map((size) => ({
    size,
    companyCount: sizes.get(size)?.companies ?? 0,
    visitorCount: sizes.get(size)?.visitors ?? 0,
  }));
  const views = new Map<string, number>();
  for (const pv of inWindow) views.set(pv.path, (views.get(pv.path) ?? 0) + 1);
  const top50 = [...views].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 50);
  const latestTitle = (path: string) => [...data.pageViews].filter((pv) => pv.path === path && !pv.bot).sort((a, b) => b.ts - a.ts)[0]!.title;
  const topPagesByScore = top50
    .map(([path, pageViews]) => {
      const companies = new Set(
        inWindow
          .filter((pv) => pv.path === path)
          .map(companyOf)
          .filter((c): c is string => c !== null && live.has(c)),
      );
      const sum = [...companies].reduce((s, c) => s + options.scores.get(c)!, 0);
      return {
        path,
        title: latestTitle(path),
        pageViews,
        companyCount: companies.size,
        averageLeadScore: companies.size ? Math.round((sum / companies.size) * 10) / 10 : 0,
      };
    })
    .filter((p) => p.companyCount > 0)
    .sort((a, b) => b.averageLeadScore - a.averageLeadScore || b.pageViews - a.pageViews || (a.path < b.path ? -1 : 1))
    .slice(0, 10);
  const visits = new Map<string, number>();
  for (const pv of inWindow) {
    if (!pv.referrer || pv.continuesSession) continue;
    const domain = new URL(pv.referrer).hostname.replace(/^www\./, '');
    if (options.siteDomains.some((d) => domain === d || domain.endsWith(`.${d}`))) continue;
    visits.set(domain, (visits.get(domain) ?? 0) + 1);
  }
  const topReferrers = [...visits]
    .map(([domain, n]) => ({ domain, visits: n }))
    .sort((a, b) => b.visits - a.visits || (a.domain < b.domain ? -1 : 1))
    .slice(0, 10);
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const byDay = new Map<string, number>();
  for (const pv of inWindow) {
    const day = new Date(pv.ts).toLocaleDateString('en-US', { timeZone: options.tz, weekday: 'short' });
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
  }
  return { from, topIndustries, companySizeBreakdown, topPagesByScore, topReferrers, dayOfWeekActivity: names.map((day) => ({ day, pageViews: byDay.get(day) ?? 0 })) };
}
