// Makes a synthetic site directly in a SQLite file, for the API read benchmark:
// 100,000 companies and 5,000,000 page views by default, with their visitors,
// contacts, per-company paths and identity ranges. Deterministic (seeded).
//
//   npm run build && node bench/generate-site.mjs [--force]
//
// Environment: BENCH_DB (default .bench/site.db), BENCH_COMPANIES (100000),
// BENCH_PAGE_VIEWS (5000000). Writes BENCH_DB and BENCH_DB.json (site id, a read
// key and the scale). An existing file of the same scale is kept unless --force.
// One transaction, prepared statements, no journal while generating: the full
// scale takes a minute or two and about 2 GB of disk.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { mulberry32 } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dbPath = process.env.BENCH_DB ?? join(root, '.bench/site.db');
const companies = Number(process.env.BENCH_COMPANIES ?? 100_000);
const pageViews = Number(process.env.BENCH_PAGE_VIEWS ?? 5_000_000);
const metaPath = `${dbPath}.json`;

export function readMeta() {
  return existsSync(metaPath) && existsSync(dbPath) ? JSON.parse(readFileSync(metaPath, 'utf8')) : null;
}

const current = readMeta();
// Scores decay with time: a site generated more than three days ago is made again.
const fresh = current && Date.now() - Date.parse(current.generatedAt ?? 0) < 3 * 86_400_000;
if (!process.argv.includes('--force') && fresh && current.companies === companies && current.requestedPageViews === pageViews) {
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
const { parseCidr } = await import(join(dist, 'resolve/ip.js'));

mkdirSync(dirname(dbPath), { recursive: true });
for (const suffix of ['', '-wal', '-shm', '.json']) rmSync(`${dbPath}${suffix}`, { force: true });

// Schema, site and keys through the collector's own code.
const setup = openDatabase(dbPath);
const { site } = createSite(setup, { name: 'Benchmark site', domains: ['bench.example'] });
const readKey = createApiKey(setup, { siteId: site.id, permission: 'read', label: 'bench read' }).key;
setup.close();

const started = Date.now();
const db = new Database(dbPath);
// Generating only: a crash here just means generating again, so no journal and no syncs.
// The file is in WAL mode (set by openDatabase); OFF is only reachable from a rollback mode.
db.pragma('journal_mode = DELETE');
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.pragma('cache_size = -1000000');
db.pragma('temp_store = MEMORY');

// A seeded generator, so every run makes the same site.
const random = mulberry32(0x2545f491);
const pick = (list) => list[Math.floor(random() * list.length)];

const industries = ['Technology', 'Software', 'Finance', 'Healthcare', 'Manufacturing', 'Retail', 'Education', 'Media', 'Logistics', 'Energy'];
const sizes = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'];
const countries = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'NL', 'CA', 'AU', 'SE', 'ES', 'IT'];
const browsers = ['Chrome', 'Firefox', 'Safari', 'Edge'];
const oses = ['Windows', 'Mac OS', 'Linux', 'iOS', 'Android'];

const now = Date.now();
const day = 86_400_000;
const windowMs = 90 * day;
const siteId = site.id;

// Company i owns the visitors i*k..; its public addresses are in 100.64.0.0/10-free
// public space: 11.0.0.0/8 upward, one /32 per visitor, so resolution sees real, distinct IPs.
const ipOf = (n) => `${11 + Math.floor(n / 16_777_216)}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

// Company "heat" h in [0, 1): hot companies were seen recently, often, by several
// people, on pricing and demo pages; most are cold. Scaled so the identified views
// are 60% of all page views, the rest anonymous traffic.
const heatViews = (h) => 3 + 120 * h * h;
const identifiedViews = Math.floor(pageViews * 0.6);
const viewScale = identifiedViews / (companies * (3 + 120 / 3));
const coldPaths = ['/', '/blog/post-1', '/blog/post-2', '/features', '/about', '/careers', '/docs'];
const hotPaths = ['/pricing', '/demo', '/contact', '/security', '/integrations', '/case-studies'];

const insertCompany = db.prepare(`INSERT INTO companies (id, site_id, domain, name, industry, size, employee_count, revenue, city, region, country,
  first_seen, last_seen, visitor_count, page_views, sessions, engaged_ms, lead_score, created_at, updated_at)
  VALUES (@id, @siteId, @domain, @name, @industry, @size, @employeeCount, @revenue, @city, @region, @country,
  @firstSeen, @lastSeen, @visitorCount, @pageViews, @sessions, @engagedMs, 0, @firstSeen, @lastSeen)`);
const insertPath = db.prepare('INSERT INTO company_paths (company_id, path, views) VALUES (?, ?, ?)');
const insertCompanyVisitor = db.prepare('INSERT INTO company_visitors (company_id, visitor_id) VALUES (?, ?)');
const insertVisitor =
  db.prepare(`INSERT INTO visitors (site_id, id, first_seen, last_seen, session_id, session_count, page_views, last_ip, country, browser, os, device, is_bot, company_id, contact_id)
  VALUES (@siteId, @id, @firstSeen, @lastSeen, 'sess', @sessions, @pageViews, @ip, @country, @browser, @os, 'desktop', 0, @companyId, @contactId)`);
const insertContact = db.prepare(`INSERT INTO contacts (id, site_id, email, first_name, last_name, job_title, company_domain, source, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, 'ingest', ?, ?)`);
const insertRange = db.prepare(`INSERT INTO identity_ranges (site_id, ip_lo, ip_hi, prefix, company_domain, source, created_at) VALUES (?, ?, ?, 128, ?, 'ingest', ?)`);
const insertPageView =
  db.prepare(`INSERT INTO page_views (site_id, pv_id, visitor_id, session_id, ts, url, path, ip, country, browser, os, device, is_bot, company_id, engaged_ms, source)
  VALUES (?, ?, ?, 'sess', ?, ?, ?, ?, ?, ?, ?, 'desktop', ?, ?, ?, 'tracker')`);
const insertAnonymousVisitor = db.prepare(`INSERT OR IGNORE INTO visitors (site_id, id, first_seen, last_seen, session_id, page_views, last_ip, is_bot)
  VALUES (?, ?, ?, ?, 'sess', 1, ?, ?)`);

const progress = (what, i, n) => {
  if (process.stdout.isTTY && i % Math.max(1, Math.floor(n / 20)) === 0) process.stdout.write(`  ${what} ${Math.round((100 * i) / n)}%   \r`);
};

let visitorNumber = 0;
let pv = 0;
const companyIds = [];
db.transaction(() => {
  for (let i = 0; i < companies; i++) {
    progress('companies', i, companies);
    const h = random();
    const id = `comp_b${i.toString(36).padStart(10, '0')}`;
    companyIds.push(id);
    const domain = `company${i}.example`;
    const lastSeen = now - Math.floor(90 * day * (1 - h) ** 3) - Math.floor(random() * 3_600_000);
    const firstSeen = lastSeen - Math.floor((10 + random() * 80) * day);
    const views = Math.max(1, Math.round(heatViews(h) * viewScale));
    const visitorCount = 1 + Math.floor(h * 8);
    const paths = h > 0.55 ? [...hotPaths.slice(0, 1 + Math.floor((h - 0.55) * 12)), ...coldPaths.slice(0, 3)] : coldPaths.slice(0, 2 + Math.floor(h * 5));
    const engagedMs = views * (10_000 + Math.floor(h * 50_000));
    insertCompany.run({
      id,
      siteId,
      domain,
      name: `Company ${i}`,
      industry: pick(industries),
      size: pick(sizes),
      employeeCount: 10 + Math.floor(random() * 20_000),
      revenue: null,
      city: null,
      region: null,
      country: pick(countries),
      firstSeen,
      lastSeen,
      visitorCount,
      pageViews: views,
      sessions: Math.ceil(views / 3),
      engagedMs,
    });
    const pathViews = new Map();
    let contactId = null;
    if (i % 5 === 0) {
      contactId = `ct_b${i.toString(36).padStart(10, '0')}`;
      insertContact.run(contactId, siteId, `person${i}@${domain}`, 'Pat', `Person${i}`, 'Head of Operations', domain, firstSeen, firstSeen);
    }
    for (let v = 0; v < visitorCount; v++) {
      const n = visitorNumber++;
      const visitorId = `v${n.toString(36)}`;
      const ip = ipOf(n);
      const range = parseCidr(ip);
      insertRange.run(siteId, range.lo, range.hi, domain, firstSeen);
      insertCompanyVisitor.run(id, visitorId);
      const own = Math.floor(views / visitorCount) + (v < views % visitorCount ? 1 : 0);
      const browser = pick(browsers);
      const os = pick(oses);
      insertVisitor.run({
        siteId,
        id: visitorId,
        firstSeen,
        lastSeen,
        sessions: Math.max(1, Math.ceil(own / 3)),
        pageViews: own,
        ip,
        country: 'US',
        browser,
        os,
        companyId: id,
        contactId: v === 0 ? contactId : null,
      });
      for (let k = 0; k < own; k++) {
        const ts = k === 0 ? lastSeen : firstSeen + Math.floor(random() * (lastSeen - firstSeen));
        const path = pick(paths);
        pathViews.set(path, (pathViews.get(path) ?? 0) + 1);
        insertPageView.run(
          siteId,
          `pv${(pv++).toString(36)}`,
          visitorId,
          ts,
          `https://bench.example${path}`,
          path,
          ip,
          'US',
          browser,
          os,
          0,
          id,
          Math.floor(engagedMs / views),
        );
      }
    }
    for (const [path, count] of pathViews) insertPath.run(id, path, count);
  }
  const remaining = Math.max(0, pageViews - pv);
  const anonymousVisitors = Math.max(1, Math.floor(remaining / 4));
  for (let k = 0; k < remaining; k++) {
    progress('anonymous page views', k, remaining);
    const n = visitorNumber + (k % anonymousVisitors);
    const path = pick(coldPaths);
    const isBot = n % 20 === 0 ? 1 : 0;
    const ts = now - Math.floor(random() * windowMs);
    insertPageView.run(
      siteId,
      `pv${(pv++).toString(36)}`,
      `v${n.toString(36)}`,
      ts,
      `https://bench.example${path}`,
      path,
      ipOf(n),
      'US',
      pick(browsers),
      pick(oses),
      isBot,
      null,
      0,
    );
    if (k < anonymousVisitors) insertAnonymousVisitor.run(siteId, `v${n.toString(36)}`, ts, ts, ipOf(n), isBot);
  }
})();

// Scores as the collector computes them: its own rescorer over every company.
const { createRescorer } = await import(join(dist, 'score/rescore.js'));
const rescorer = createRescorer(db, { now: () => now });
for (let i = 0; i < companyIds.length; i += 5_000) rescorer.rescore(companyIds.slice(i, i + 5_000));
const hot = db.prepare('SELECT COUNT(*) AS n FROM companies WHERE site_id = ? AND lead_score >= 50').get(siteId).n;

db.pragma('journal_mode = WAL');
db.exec('ANALYZE');
db.close();
const meta = {
  siteId,
  readKey,
  companies,
  requestedPageViews: pageViews,
  pageViews: pv,
  identifiedIps: visitorNumber,
  scoreAtLeast50: hot,
  generatedAt: new Date(now).toISOString(),
  generatedIn: `${Math.round((Date.now() - started) / 1000)} s`,
};
writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
console.log(`bench/generate-site: ${dbPath}: ${companies} companies (${hot} scoring 50 or more), ${pv} page views in ${meta.generatedIn}`);
