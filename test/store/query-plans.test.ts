import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCompanies, companySorts, type CompanyFilters } from '../../packages/collector/src/store/company-queries.js';
import { KEPT_FUNCTION, SORTED_SEARCH_MAX } from '../../packages/collector/src/store/text-search.js';
import { upsertContact } from '../../packages/collector/src/store/contacts.js';
import { listContacts, type ContactFilters } from '../../packages/collector/src/store/contact-queries.js';
import { migrate, type Db } from '../../packages/collector/src/store/db.js';
import { writeEvent } from '../../packages/collector/src/store/events.js';
import type { ListPage, PageRequest } from '../../packages/collector/src/store/list-page.js';
import { listPageViews, type PageViewFilters } from '../../packages/collector/src/store/page-view-queries.js';
import { readInsightSums } from '../../packages/collector/src/store/insight-queries.js';
import { followPageViews, rebuildSlice, startRebuild } from '../../packages/collector/src/store/insight-rollups.js';
import { siteNumber } from '../../packages/collector/src/store/keys.js';
import { listDrafts } from '../../packages/collector/src/store/outreach-drafts.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { insertSignal, listSignals, type SignalFilters } from '../../packages/collector/src/store/signals.js';
import { listVisitors } from '../../packages/collector/src/store/visitor-queries.js';
import { addWatchDomains, addWatchEntry, listWatchList } from '../../packages/collector/src/store/watch-list.js';
import { pageViewRecord } from '../helpers/records.js';

/**
 * Every list query the API can issue (each order, search, filter and combination of
 * filters, a first page, a later page and a cursor page) is run against a small site while
 * better-sqlite3 reports each statement with its parameters; then each statement that
 * reads page views, visitors or companies is explained, without and with statistics
 * (ANALYZE). None may scan one of those tables whole or sort their rows in a temporary
 * B-tree: at a million companies either costs seconds.
 */

const watched = /\b(page_view_rows|visitor_rows|companies|contacts|watch_list|signals)\b/;
// Aliases the store gives those tables in its list queries.
const watchedNames = new Set(['page_view_rows', 'visitor_rows', 'companies', 'contacts', 'p', 'v', 'watch_list', 'w', 'signals']);

let db: Db;
let siteId: string;
const statements = new Set<string>();
let companyId = '';
let visitorId = '';
const t0 = Date.UTC(2026, 0, 10, 12, 0, 0);

beforeAll(() => {
  db = new Database(':memory:', { verbose: (sql) => statements.add(String(sql)) });
  migrate(db);
  siteId = createSite(db, { name: 'Plans', domains: ['plans.test'] }).site.id;
  db.transaction(() => {
    // More companies than a search sorts, so that both ways of answering ?q= are taken.
    const insert = db.prepare(
      `INSERT INTO companies (id, site_id, domain, name, industry, country, size, lead_score, visitor_count, first_seen, last_seen, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 0; i < SORTED_SEARCH_MAX + 500; i++) {
      const seen = i % 7 === 0 ? null : t0 - i * 60_000;
      insert.run(
        `comp_plan${i}`,
        siteId,
        `acme${i}.test`,
        `Acme Industries ${i}`,
        ['Software', 'Retail'][i % 2],
        ['US', 'DE', 'FR'][i % 3],
        '11-50',
        i % 101,
        i % 9,
        seen,
        seen,
        t0,
        t0,
      );
    }
    for (let i = 0; i < 300; i++) {
      writeEvent(
        db,
        pageViewRecord(siteId, `${1_700_000_000_000 + i}${i}`, {
          visitorId: `vis_${i % 40}`,
          ts: t0 + i * 90_000,
          isBot: i % 11 === 0,
          company: i % 3 === 0 ? { domain: `acme${i % 20}.test` } : null,
        }),
      );
    }
    for (let i = 0; i < 30; i++)
      upsertContact(db, siteId, { email: `p${i}@acme${i % 4}.test`, companyDomain: `acme${i % 4}.test` }, i % 2 ? 'ingest' : 'identify', t0 + i);
    // More contacts than a search sorts, so that every way of answering ?q= is taken.
    for (let i = 0; i < SORTED_SEARCH_MAX + 100; i++)
      upsertContact(db, siteId, { email: `person${i}@bulkcontacts.test`, firstName: 'Patricia', companyDomain: `acme${i % 4}.test` }, 'ingest', t0 + 100 + i);
    addWatchEntry(db, siteId, { domain: 'acme0.test', companyName: 'Acme', notes: null }, t0);
    // One company in ten watched, as the rescorer records it (migration 014).
    db.prepare('UPDATE companies SET watched_domain = domain WHERE num % 10 = 0').run();
    addWatchDomains(
      db,
      siteId,
      Array.from({ length: 50 }, (_, i) => `target${i}.test`),
      t0 + 1,
    );
    const types = ['watchlist.hit', 'company.identified', 'lead.hot', 'contact.identified'] as const;
    for (let i = 0; i < 200; i++) {
      const domain = `acme${i % 20}.test`;
      const signal = {
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        siteId,
        type: types[i % 4]!,
        company: { id: `comp_plan${i % 20}`, name: domain, domain, leadScore: 50 },
        contact: null,
        summary: '',
        data: {},
        createdAt: '',
        completedAt: null,
      };
      insertSignal(db, signal, t0 + i * 60_000, i % 3 === 0 ? null : t0 + i * 60_000, null);
    }
  })();
  companyId = (db.prepare('SELECT id FROM companies WHERE domain = ?').get('acme0.test') as { id: string }).id;
  visitorId = (db.prepare('SELECT visitor_id FROM page_views WHERE company_id = ? LIMIT 1').get(companyId) as { visitor_id: string }).visitor_id;
  // Only the list reads below are explained.
  statements.clear();
});
afterAll(() => db.close());

/** Subsets of a list's filters, so that every combination the API accepts is run. */
function subsets<T extends object>(all: T): T[] {
  const keys = Object.keys(all) as Array<keyof T>;
  const out: T[] = [];
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const pick = {} as T;
    keys.forEach((key, i) => {
      if (mask & (1 << i)) pick[key] = all[key];
    });
    out.push(pick);
  }
  return out;
}

/** A first page, a later page by offset, and the page after the first by its cursor. */
function pages<Row>(read: (page: PageRequest) => ListPage<Row>): void {
  const first = read({ limit: 2, offset: 0 });
  read({ limit: 2, offset: 2 });
  read({ limit: 2, offset: 0, after: first.next ?? [] });
}

function runEveryListQuery(): void {
  const companyFilters: CompanyFilters = { minScore: 40, industry: 'software', country: 'us', size: '11-50', seenAfter: t0 - 86_400_000, seenBefore: t0 };
  for (const sort of companySorts) {
    for (const filters of subsets(companyFilters)) pages((page) => listCompanies(db, siteId, filters, { ...page, sort }));
    // A search alone and with each filter: few matches are sorted; many are probed row by row while walking
    // the order's index, or, with a word longer than the prefix indexes, collected first.
    for (const filters of subsets(companyFilters).filter((f) => Object.keys(f).length <= 1)) {
      for (const q of ['acme', 'acme 12', 'industries']) pages((page) => listCompanies(db, siteId, { ...filters, q }, { ...page, sort }));
    }
    // Watched or not, with each other filter and with a search.
    for (const watched of [true, false]) {
      for (const filters of subsets(companyFilters)) pages((page) => listCompanies(db, siteId, { ...filters, watched }, { ...page, sort }));
      for (const q of ['acme', 'acme 12']) pages((page) => listCompanies(db, siteId, { q, watched }, { ...page, sort }));
    }
  }
  const pageViewFilters: Omit<PageViewFilters, 'includeBots'> = { companyId, visitorId, since: t0 + 1_000_000, until: t0 + 20_000_000 };
  for (const includeBots of [false, true]) {
    for (const filters of subsets(pageViewFilters)) pages((page) => listPageViews(db, siteId, { ...filters, includeBots }, page));
    for (const filters of subsets({ companyId })) pages((page) => listVisitors(db, siteId, { ...filters, includeBots }, page));
  }
  const contactFilters: ContactFilters = { companyDomain: 'acme1.test', source: 'ingest' };
  for (const filters of subsets(contactFilters)) {
    for (const q of [undefined, 'p1', 'patricia', 'bulkcontacts']) pages((page) => listContacts(db, siteId, { ...filters, q }, page));
  }
  for (const q of [undefined, 'acme']) pages((page) => listWatchList(db, siteId, { q }, page));
  const signalFilters: SignalFilters = { type: 'lead.hot', domain: 'acme2.test', companyId: 'comp_plan2', completedAfter: t0, completedBefore: t0 + 86_400_000 };
  for (const filters of subsets(signalFilters)) pages((page) => listSignals(db, siteId, filters, page));
}

function problemsOf(sql: string): string[] {
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail);
  const problems: string[] = [];
  for (const line of plan) {
    const scanned = /^SCAN (\S+)/.exec(line)?.[1];
    if (scanned && watchedNames.has(scanned)) problems.push(line);
    if (line.includes('USE TEMP B-TREE')) {
      // The one sort allowed: a search's matches, at most SORTED_SEARCH_MAX + 1 rows by the LIMIT in
      // the subquery that yields them (company-queries.ts), never the companies at large.
      const boundedSearch = sql.includes(`LIMIT ${SORTED_SEARCH_MAX + 1})`) && plan.some((l) => /(company|contact)_search VIRTUAL TABLE/.test(l));
      if (!boundedSearch) problems.push(line);
    }
  }
  return problems.length
    ? [
        `${sql
          .replace(/\s+/g, ' ')
          .replace(/'[^']*'|\b\d+(\.\d+)?\b/g, '?')
          .slice(0, 600)}\n    ${plan.join('\n    ')}`,
      ]
    : [];
}

describe('the query plans of the list reads', () => {
  it('seek an index in the list order for every order, search, filter and page, without statistics and with them', () => {
    runEveryListQuery();
    const reads = [...statements].filter((sql) => /^\s*SELECT/i.test(sql) && watched.test(sql) && !/\bEXPLAIN\b/.test(sql));
    // Each kind of read was run: the orders, both ways of searching, cursors, counts.
    expect(reads.length).toBeGreaterThan(500);
    expect(reads.some((sql) => sql.includes('INDEXED BY companies_visitors') && /\(visitor_count, rowid\) [<>]/.test(sql))).toBe(true);
    expect(reads.some((sql) => sql.includes(`LIMIT ${SORTED_SEARCH_MAX + 1})`))).toBe(true);
    expect(reads.some((sql) => sql.includes('INDEXED BY companies_watched_visitors') && /\(visitor_count, rowid\) [<>]/.test(sql))).toBe(true);
    expect(reads.some((sql) => sql.includes('COUNT(*) FROM companies INDEXED BY companies_watched_score'))).toBe(true);
    expect(reads.some((sql) => /INDEXED BY companies_\w+ WHERE .*rowid IN \(SELECT rowid/s.test(sql))).toBe(true);
    for (const table of ['company_search', 'contact_search']) {
      expect(reads.some((sql) => sql.includes(`EXISTS (SELECT 1 FROM ${table}`))).toBe(true);
      const collected = new RegExp(`INDEXED BY \\w+ WHERE .*rowid IN \\(SELECT rowid - CAST\\([\\d.]+ AS INTEGER\\) \\* \\d+ FROM ${table} WHERE`, 's');
      expect(reads.some((sql) => collected.test(sql) && !sql.includes(`LIMIT ${SORTED_SEARCH_MAX + 1})`))).toBe(true);
      expect(reads.some((sql) => sql.includes(`FROM ${table} WHERE`) && sql.includes(`LIMIT ${SORTED_SEARCH_MAX + 1})`))).toBe(true);
    }
    // A search alone with many matches collected once, then kept while walking the list's index.
    for (const list of ['companies', 'contacts'])
      expect(reads.some((sql) => sql.includes(`FROM ${list} INDEXED BY`) && sql.includes(`${KEPT_FUNCTION}(rowid)`))).toBe(true);
    expect(reads.some((sql) => sql.includes('UNION ALL') && sql.includes('page_view_rows_company'))).toBe(true);
    expect([...statements].some((sql) => sql.includes('FROM page_view_counts'))).toBe(true);
    const unstated = [...new Set(reads.flatMap(problemsOf))];
    db.exec('ANALYZE');
    const stated = [...new Set(reads.flatMap(problemsOf))];
    expect(unstated, unstated.join('\n\n')).toEqual([]);
    expect(stated, stated.join('\n\n')).toEqual([]);
    // Hundreds of statements explained twice: seconds on a quiet machine, more on a loaded one.
  }, 120_000);

  it('seek an index for the insight rollups (the follower, the rebuild, the change queue, the reads) and the outreach drafts', () => {
    statements.clear();
    followPageViews(db, 1_000_000);
    // A page view resolved late and one deleted: the follower recounts their sightings.
    db.prepare('UPDATE page_view_rows SET company = NULL WHERE id = (SELECT min(id) FROM page_view_rows WHERE company IS NOT NULL)').run();
    db.prepare('DELETE FROM page_view_rows WHERE id = (SELECT max(id) FROM page_view_rows WHERE company IS NOT NULL)').run();
    followPageViews(db, 1_000_000);
    startRebuild(db, siteNumber(db, siteId)!);
    while (rebuildSlice(db, siteNumber(db, siteId)!, 50) !== null);
    for (const from of [t0 - 86_400_000 * 365, t0 - 20_700_000, t0]) readInsightSums(db, siteId, from, [from, from + 86_400_000, from + 2 * 86_400_000]);
    for (const status of ['pending', 'sent', 'all'] as const) {
      for (const contactId of [undefined, 'ct_plan']) listDrafts(db, siteId, { status, contactId }, { limit: 20, offset: 20 });
    }
    // The rebuild's temp tables hold one slice, which it reads whole by design.
    const reads = [...statements].filter(
      (sql) => /^\s*SELECT/i.test(sql) && /\b(insight_\w+|page_view_rows|companies|outreach_drafts)\b/.test(sql) && !/\bEXPLAIN\b/.test(sql) && !/\btemp\./.test(sql),
    );
    expect(reads.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const sql of reads) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail);
      // A rollup read sums the window's rows and groups them (a small sort is allowed); none scans a table
      // whole but the change queue, which every slice empties from its start, the rebuilds in progress (a row a site) and
      // the list of local days a read is given (json_each).
      for (const line of plan)
        if (/^SCAN (?!\(|CONSTANT|\w+ VIRTUAL TABLE|insight_changes$|insight_rebuilds$)/.test(line))
          problems.push(`${sql.replace(/\s+/g, ' ').slice(0, 300)}\n    ${plan.join('\n    ')}`);
    }
    expect(problems, problems.join('\n\n')).toEqual([]);
  });
});
