// Makes a synthetic site directly in a SQLite file, for the API read benchmarks: its
// page views go through the collector's own writer (store/events.ts writeEvent) in time
// order, in large transactions, so the rows, the aggregates and the kept counts are what
// beacons leave behind; no HTTP. Deterministic (seeded).
//
//   npm run build && node bench/generate-site.mjs [--size=10k|100k|1m] [--force]
//
// Sizes: 10k (10,000 companies / 500,000 page views), 100k (100,000 / 5,000,000, the
// default) and 1m (1,000,000 / 10,000,000). BENCH_COMPANIES and BENCH_PAGE_VIEWS set any
// other. BENCH_DB: the file (default .bench/site.db for the default size, else
// .bench/site-<companies>-<page views>.db). Writes BENCH_DB and BENCH_DB.json (site id, a
// read key, the scale and the bytes on disk per page view). An existing file of the same
// scale made in the last three days is kept unless --force. The writer's own work per page
// view: the 100k size takes tens of minutes and the 1m size about an hour and 6 GB of disk.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = { '10k': [10_000, 500_000], '100k': [100_000, 5_000_000], '1m': [1_000_000, 10_000_000] };
const sizeArg = process.argv.find((a) => a.startsWith('--size='))?.slice(7) ?? process.env.BENCH_SIZE ?? '100k';
if (!sizes[sizeArg]) {
  console.error(`bench/generate-site: --size must be one of ${Object.keys(sizes).join(', ')}`);
  process.exit(1);
}
const companies = Number(process.env.BENCH_COMPANIES || sizes[sizeArg][0]);
const pageViews = Number(process.env.BENCH_PAGE_VIEWS || sizes[sizeArg][1]);
const isDefault = companies === 100_000 && pageViews === 5_000_000;
const dbPath = process.env.BENCH_DB || join(root, isDefault ? '.bench/site.db' : `.bench/site-${companies}-${pageViews}.db`);
const metaPath = `${dbPath}.json`;

export function readMeta() {
  return existsSync(metaPath) && existsSync(dbPath) ? JSON.parse(readFileSync(metaPath, 'utf8')) : null;
}

const current = readMeta();
// Scores decay with time: a site generated more than three days ago is made again.
const fresh = current && Date.now() - Date.parse(current.generatedAt ?? 0) < 3 * 86_400_000;
if (!process.argv.includes('--force') && fresh && current.companies === companies && current.requestedPageViews === pageViews && current.generator === 2) {
  console.log(`bench/generate-site: ${dbPath} already has ${companies} companies and ${pageViews} page views; kept (--force to rebuild)`);
  process.exit(0);
}

const dist = join(root, 'packages/collector/dist');
if (!existsSync(join(dist, 'store/db.js'))) {
  console.error('bench/generate-site: run `npm run build` first');
  process.exit(1);
}
const { openDatabase } = await import(join(dist, 'store/db.js'));
const { createSite } = await import(join(dist, 'store/sites.js'));
const { createApiKey } = await import(join(dist, 'store/api-keys.js'));
const { writeEvent } = await import(join(dist, 'store/events.js'));
const { createRescorer } = await import(join(dist, 'score/rescore.js'));
const { putIdentityRange } = await import(join(dist, 'store/identity.js'));
const { parseCidr } = await import(join(dist, 'resolve/ip.js'));

mkdirSync(dirname(dbPath), { recursive: true });
for (const suffix of ['', '-wal', '-shm', '.json']) rmSync(`${dbPath}${suffix}`, { force: true });

const started = Date.now();
// Schema, site and keys through the collector's own code.
const db = openDatabase(dbPath, { cacheKib: 2_000_000 });
const { site } = createSite(db, { name: 'Benchmark site', domains: ['bench.example'] });
const readKey = createApiKey(db, { siteId: site.id, permission: 'read', label: 'bench read' }).key;
// Generating only: a crash here just means generating again, so no syncs; WAL stays (the
// writer's own mode), checkpointed as the collector does.
db.pragma('synchronous = OFF');

// A seeded generator, so every run makes the same site.
const random = mulberry32(0x2545f491);
const pick = (list) => list[Math.floor(random() * list.length)];

const industries = ['Technology', 'Software', 'Finance', 'Healthcare', 'Manufacturing', 'Retail', 'Education', 'Media', 'Logistics', 'Energy'];
const sizesOfCompanies = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'];
const countries = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'NL', 'CA', 'AU', 'SE', 'ES', 'IT'];
const clients = [
  ['Chrome', 'Windows', 'desktop'],
  ['Chrome', 'Mac OS', 'desktop'],
  ['Safari', 'Mac OS', 'desktop'],
  ['Firefox', 'Linux', 'desktop'],
  ['Edge', 'Windows', 'desktop'],
  ['Mobile Safari', 'iOS', 'mobile'],
  ['Chrome', 'Android', 'mobile'],
];
const coldPaths = ['/', '/blog/post-1', '/blog/post-2', '/features', '/about', '/careers', '/docs'];
const hotPaths = ['/pricing', '/demo', '/contact', '/security', '/integrations', '/case-studies'];
const titles = Object.fromEntries([...coldPaths, ...hotPaths].map((p) => [p, `${p === '/' ? 'Home' : p.split('/').pop().replace(/-/g, ' ')} | Bench`]));
const referrers = [
  ['https://www.google.com/', 'google.com'],
  ['https://www.linkedin.com/', 'linkedin.com'],
  ['https://news.ycombinator.com/', 'news.ycombinator.com'],
];

const now = Date.now();
const day = 86_400_000;
const windowMs = 90 * day;

// Company "heat" h in [0, 1): hot companies were seen recently, often, by several people,
// on pricing and demo pages; most are cold. Identified page views are 60% of all, the rest
// anonymous traffic (4 views a visitor, one visitor in 20 a bot). A visitor makes about four
// page views, so the visitors per page view are the same at every size.
const heatViews = (h) => 3 + 120 * h * h;
const identifiedViews = Math.floor(pageViews * 0.6);
const viewScale = identifiedViews / (companies * (3 + 120 / 3));
const heat = new Float64Array(companies);
const viewsOf = new Int32Array(companies);
const visitorsOf = new Int32Array(companies);
const firstVisitor = new Int32Array(companies);
let identifiedVisitors = 0;
let identified = 0;
for (let i = 0; i < companies; i++) {
  heat[i] = random();
  viewsOf[i] = Math.max(1, Math.round(heatViews(heat[i]) * viewScale));
  visitorsOf[i] = Math.max(1, Math.round(viewsOf[i] / 4));
  firstVisitor[i] = identifiedVisitors;
  identifiedVisitors += visitorsOf[i];
  identified += viewsOf[i];
}
const anonymousViews = Math.max(0, pageViews - identified);
const anonymousVisitors = Math.max(1, Math.ceil(anonymousViews / 4));
const total = identified + anonymousViews;
const companyOfVisitor = new Int32Array(identifiedVisitors);
for (let i = 0; i < companies; i++) companyOfVisitor.fill(i, firstVisitor[i], firstVisitor[i] + visitorsOf[i]);

// Every page view's time and visitor, then the order of time: the writer takes them as
// beacons come, so its indexes grow at their ends as a live collector's do.
const tsOf = new Float64Array(total);
const visitorOf = new Int32Array(total);
let k = 0;
for (let i = 0; i < companies; i++) {
  const lastSeen = now - Math.floor(90 * day * (1 - heat[i]) ** 3) - Math.floor(random() * 3_600_000);
  const firstSeen = Math.max(now - windowMs, lastSeen - Math.floor((10 + random() * 80) * day));
  for (let n = 0; n < viewsOf[i]; n++, k++) {
    tsOf[k] = n === 0 ? lastSeen : firstSeen + Math.floor(random() * (lastSeen - firstSeen));
    visitorOf[k] = firstVisitor[i] + (n % visitorsOf[i]);
  }
}
for (let n = 0; n < anonymousViews; n++, k++) {
  tsOf[k] = now - Math.floor(random() * windowMs);
  visitorOf[k] = identifiedVisitors + (n % anonymousVisitors);
}
const order = new Uint32Array(total);
for (let i = 0; i < total; i++) order[i] = i;
order.sort((a, b) => tsOf[a] - tsOf[b]);

const digits = (n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 10);
  return s;
};
// Visitor ids as the tracker makes them (time first, then random digits), or, for one
// visitor in four (storage blocked), as the collector derives them.
const visitorIdOf = (v) =>
  v % 4 === 3
    ? `d_20260101_${(v * 2654435761).toString(36).padStart(22, 'x').slice(0, 22)}`
    : `${1_700_000_000_000 + v * 997}${(v * 48271) % 4294967291}${(v * 69621) % 2147483647}`;
const ipOf = (v) => `${11 + Math.floor(v / 16_777_216)}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
const companyProfile = (i) => ({
  domain: `company${i}.example`,
  name: `Company ${i}`,
  industry: industries[i % industries.length],
  size: sizesOfCompanies[(i * 7) % sizesOfCompanies.length],
  country: countries[(i * 13) % countries.length],
});

// On a terminal a percentage in place; otherwise (a log file) a line every 5%, with the time so far.
const progress = (what, i, n) => {
  if (process.stdout.isTTY) {
    if (i % Math.max(1, Math.floor(n / 50)) === 0) process.stdout.write(`  ${what} ${Math.round((100 * i) / n)}%   \r`);
  } else if (Math.floor((20 * i) / n) !== Math.floor((20 * Math.max(0, i - 10_000)) / n) || i === 0) {
    console.log(`  ${what} ${Math.round((100 * i) / n)}% after ${Math.round((Date.now() - started) / 1000)} s`);
  }
};

// The site's identity data: each identified visitor's address maps to its company, so
// GET /api/v1/resolve?ip= and the beacons of bench/read-stall.mjs resolve them.
db.transaction(() => {
  for (let v = 0; v < identifiedVisitors; v++) {
    const range = parseCidr(ipOf(v));
    putIdentityRange(
      db,
      { siteId: site.id, lo: range.lo, hi: range.hi, prefix: range.prefix, companyDomain: `company${companyOfVisitor[v]}.example`, source: 'ingest' },
      now - windowMs,
    );
  }
})();

const contactsEvery = 5;
const identifiedCompany = new Uint8Array(companies);
const batch = 10_000;
for (let from = 0; from < total; from += batch) {
  progress('page views', from, total);
  db.transaction(() => {
    for (let j = from; j < Math.min(total, from + batch); j++) {
      const e = order[j];
      const ts = tsOf[e];
      const v = visitorOf[e];
      const company = v < identifiedVisitors ? companyOfVisitor[v] : -1;
      const hot = company >= 0 && heat[company] > 0.55;
      const path = hot && random() < 0.5 ? hotPaths[Math.min(hotPaths.length - 1, Math.floor(random() * (1 + (heat[company] - 0.55) * 12)))] : pick(coldPaths);
      const query = random() < 0.15 ? 'utm_source=news&utm_medium=email' : null;
      const referrer = random() < 0.5 ? pick(referrers) : null;
      const [browser, os, device] = clients[v % clients.length];
      const isBot = company < 0 && v % 20 === 0;
      const visitorId = visitorIdOf(v);
      writeEvent(db, {
        kind: 'pageview',
        siteId: site.id,
        visitorId,
        pageViewId: `${ts}${digits(28)}`,
        ts,
        url: `https://www.bench.example${path}${query ? `?${query}` : ''}`,
        path,
        query,
        utm: { source: query ? 'news' : null, medium: query ? 'email' : null, campaign: null, term: null, content: null },
        referrer: referrer?.[0] ?? null,
        referrerDomain: referrer?.[1] ?? null,
        title: titles[path],
        screenWidth: device === 'mobile' ? 390 : 1440,
        ip: ipOf(v),
        country: company >= 0 ? companyProfile(company).country : 'US',
        asn: company >= 0 ? 64_512 + (company % 1000) : 7922,
        browser,
        os,
        device,
        isBot,
        company: company >= 0 ? companyProfile(company) : null,
        source: 'tracker',
        ...(company >= 0 ? { engagedMs: 5_000 + Math.floor(heat[company] * 50_000 * random()) } : {}),
      });
      // One company in five has a person who identified: a contact linked to its first visitor.
      if (company >= 0 && company % contactsEvery === 0 && !identifiedCompany[company]) {
        identifiedCompany[company] = 1;
        writeEvent(db, {
          kind: 'identify',
          siteId: site.id,
          visitorId,
          ts,
          ip: ipOf(v),
          contact: {
            email: `person${company}@company${company}.example`,
            firstName: 'Pat',
            lastName: `Person${company}`,
            jobTitle: 'Head of Operations',
            companyDomain: `company${company}.example`,
          },
          identityRange: null,
        });
      }
    }
  })();
}

// Scores as the collector computes them: its own rescorer over every company, at `now`.
const rescorer = createRescorer(db, { now: () => now });
const ids = db.prepare('SELECT id FROM companies WHERE site_id = ?').pluck(true).all(site.id);
for (let i = 0; i < ids.length; i += 5_000) {
  progress('scores', i, ids.length);
  rescorer.rescore(ids.slice(i, i + 5_000));
}
const hot = db.prepare('SELECT SUM(n) FROM company_score_counts WHERE site_id = ? AND lead_score >= 50').pluck(true).get(site.id) ?? 0;

db.exec('ANALYZE');
db.pragma('wal_checkpoint(TRUNCATE)');
// Bytes on disk per page view, by what holds them (dbstat: pages, with their free space).
const objects = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all();
const owner = db.prepare('SELECT tbl_name FROM sqlite_schema WHERE name = ?').pluck(true);
const groups = {};
for (const { name, bytes } of objects) {
  const table = owner.get(name) ?? name;
  // Also the tables of a collector before migration 007, to compare with one (run this script from its checkout).
  const group = /^page_view|^page_origins/.test(table)
    ? 'page views'
    : /^visitor_rows$|^visitor_counts$|^visitors$/.test(table)
      ? 'visitors'
      : /^compan/.test(table)
        ? 'companies'
        : 'other';
  groups[group] = (groups[group] ?? 0) + bytes;
}
const kept = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'page_view_counts'").get();
const stored = db
  .prepare(kept ? 'SELECT SUM(n) FROM page_view_counts' : 'SELECT COUNT(*) FROM page_views')
  .pluck(true)
  .get();
db.close();
const fileBytes = statSync(dbPath).size;
const perPageView = Object.fromEntries(Object.entries(groups).map(([g, b]) => [g, Math.round((10 * b) / stored) / 10]));
const meta = {
  generator: 2,
  siteId: site.id,
  readKey,
  companies,
  requestedPageViews: pageViews,
  pageViews: stored,
  visitors: identifiedVisitors + anonymousVisitors,
  identifiedIps: identifiedVisitors,
  scoreAtLeast50: hot,
  bytesPerPageView: { file: Math.round((10 * fileBytes) / stored) / 10, ...perPageView },
  generatedAt: new Date(now).toISOString(),
  generatedIn: `${Math.round((Date.now() - started) / 1000)} s`,
};
writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
console.log(
  `bench/generate-site: ${dbPath}: ${companies} companies (${hot} scoring 50 or more), ${stored} page views, ${meta.visitors} visitors in ${meta.generatedIn}; ` +
    `${meta.bytesPerPageView.file} bytes on disk a page view (${Object.entries(perPageView)
      .map(([g, b]) => `${g} ${b}`)
      .join(', ')})`,
);
