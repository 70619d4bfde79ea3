import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { companySorts, listCompanies, type CompanyFilters, type CompanySort } from '../../packages/collector/src/store/company-queries.js';
import { listContacts } from '../../packages/collector/src/store/contact-queries.js';
import { upsertContact } from '../../packages/collector/src/store/contacts.js';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { writeEvent } from '../../packages/collector/src/store/events.js';
import type { ListKey, ListPage, PageRequest } from '../../packages/collector/src/store/list-page.js';
import { listPageViews, type PageViewFilters } from '../../packages/collector/src/store/page-view-queries.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { SORTED_SEARCH_MAX } from '../../packages/collector/src/store/text-search.js';
import { listVisitors } from '../../packages/collector/src/store/visitor-queries.js';
import { pageViewRecord } from '../helpers/records.js';

/**
 * The lists read page by page, by offset and by cursor, give every matching row exactly
 * once, in the documented order (ties broken by row), with the total that match: compared
 * with one query that states the order plainly, over random rows full of ties and NULLs.
 */

let db: Db;
let siteId: string;
beforeEach(() => {
  db = openDatabase(':memory:');
  siteId = createSite(db, { name: 'Pages', domains: ['pages.test'] }).site.id;
});
afterEach(() => db.close());

/** Every row by cursor pages of `limit`, and by offset pages, and the totals each page reported. */
function readAll<Row>(read: (page: PageRequest) => ListPage<Row>, limit: number, id: (row: Row) => string, start: ListKey | null = null) {
  const byCursor: string[] = [];
  const totals = new Set<number>();
  let after: ListKey | null = start;
  for (let i = 0; i < 2_000; i++) {
    const page = read({ limit, offset: 0, after });
    totals.add(page.total);
    byCursor.push(...page.rows.map(id));
    if (page.next === null) break;
    after = page.next;
  }
  const byOffset: string[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = read({ limit, offset });
    totals.add(page.total);
    byOffset.push(...page.rows.map(id));
    if (page.rows.length < limit) break;
  }
  return { byCursor, byOffset, totals: [...totals] };
}

const t0 = Date.UTC(2026, 2, 1, 8, 0, 0);
const names = ['Acme', 'acme corp', 'Globex', 'Initech Software', 'Umbrella', null];
const orderSql: Record<CompanySort, string> = {
  '-leadScore': 'lead_score DESC, COALESCE(last_seen, 0) DESC, rowid DESC',
  leadScore: 'lead_score ASC, COALESCE(last_seen, 0) ASC, rowid ASC',
  '-lastSeen': 'COALESCE(last_seen, 0) DESC, rowid DESC',
  lastSeen: 'COALESCE(last_seen, 0) ASC, rowid ASC',
  '-firstSeen': 'COALESCE(first_seen, 0) DESC, rowid DESC',
  firstSeen: 'COALESCE(first_seen, 0) ASC, rowid ASC',
  name: 'COALESCE(name, domain) COLLATE NOCASE ASC, rowid ASC',
  '-name': 'COALESCE(name, domain) COLLATE NOCASE DESC, rowid DESC',
  '-visitorCount': 'visitor_count DESC, rowid DESC',
  visitorCount: 'visitor_count ASC, rowid ASC',
};

/** The search's meaning, stated in JavaScript: each word of q begins a word of the name or the domain. */
function matches(q: string, name: string | null, domain: string): boolean {
  const fold = (text: string) => text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
  const words = fold(`${name ?? ''} ${domain}`).split(/[^\p{L}\p{N}]+/u);
  const wanted = fold(q).match(/[\p{L}\p{N}]+/gu) ?? [];
  return wanted.length > 0 && wanted.every((w) => words.some((word) => word.startsWith(w)));
}

describe('company pages', () => {
  it('list every match once, in order, by cursor and by offset, for every order, filter and search', () => {
    const company = fc.record({
      score: fc.constantFrom(0, 10, 50, 50, 87),
      // Ties at a few times, and times anywhere in the last three days, so windows end mid-hour.
      seen: fc.option(fc.oneof(fc.constantFrom(t0, t0 - 3_600_000, t0 - 86_400_000), fc.integer({ min: t0 - 3 * 86_400_000, max: t0 })), { nil: null }),
      name: fc.constantFrom(...names),
      visitors: fc.constantFrom(0, 1, 1, 3),
      industry: fc.constantFrom('Software', 'software', 'Retail', null),
      country: fc.constantFrom('US', 'de', null),
    });
    const filters = fc.record(
      {
        minScore: fc.constantFrom(0, 10, 50),
        industry: fc.constantFrom('SOFTWARE', 'retail'),
        country: fc.constantFrom('us', 'DE'),
        seenAfter: fc.oneof(fc.constantFrom(t0 - 3_600_000, -5), fc.integer({ min: t0 - 3 * 86_400_000, max: t0 })),
        seenBefore: fc.oneof(fc.constantFrom(t0 - 3_600_000, t0), fc.integer({ min: t0 - 3 * 86_400_000, max: t0 })),
        q: fc.constantFrom('acme', 'ACME corp', 'soft', 'initech software', 'co', 'zzz', '%'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(company, { maxLength: 25 }), filters, fc.integer({ min: 1, max: 4 }), fc.nat(), (rows, filter, limit, start) => {
        db.exec('DELETE FROM companies');
        const insert = db.prepare(
          `INSERT INTO companies (id, site_id, domain, name, industry, country, lead_score, visitor_count, first_seen, last_seen, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
        );
        rows.forEach((r, i) =>
          insert.run(`c${i}`, siteId, `d${i}.test`, r.name, r.industry, r.country, r.score, r.visitors, r.seen === null ? null : r.seen - 1000 * i, r.seen),
        );
        const f = filter as CompanyFilters;
        const where = ['site_id = @siteId'];
        if (f.minScore !== undefined) where.push('lead_score >= @minScore');
        if (f.industry !== undefined) where.push('industry = @industry COLLATE NOCASE');
        if (f.country !== undefined) where.push('country = @country COLLATE NOCASE');
        if (f.seenAfter !== undefined) where.push('last_seen >= @seenAfter');
        if (f.seenBefore !== undefined) where.push('last_seen <= @seenBefore');
        for (const sort of companySorts) {
          const expected = (
            db.prepare(`SELECT id, name, domain FROM companies WHERE ${where.join(' AND ')} ORDER BY ${orderSql[sort]}`).all({ ...f, siteId }) as Array<{
              id: string;
              name: string | null;
              domain: string;
            }>
          )
            .filter((r) => f.q === undefined || matches(f.q, r.name, r.domain))
            .map((r) => r.id);
          const { byCursor, byOffset, totals } = readAll(
            (page) => listCompanies(db, siteId, f, { ...page, sort }),
            limit,
            (r) => r.id,
          );
          expect(byCursor).toEqual(expected);
          expect(byOffset).toEqual(expected);
          expect(totals).toEqual([expected.length]);
          // A cursor from the list without filters (a client that changed them) continues after its row.
          const unfiltered: Array<{ id: string; next: ListKey | null }> = [];
          let after: ListKey | null = null;
          do {
            const page: ListPage<{ id: string }> = listCompanies(db, siteId, {}, { limit: 1, offset: 0, after, sort });
            if (page.rows.length) unfiltered.push({ id: page.rows[0]!.id, next: page.next });
            after = page.next;
          } while (after !== null);
          const from = unfiltered[start % Math.max(1, unfiltered.length)];
          if (from?.next) {
            const position = new Map(unfiltered.map((r, i) => [r.id, i]));
            const rest = readAll(
              (page) => listCompanies(db, siteId, f, { ...page, sort }),
              limit,
              (r) => r.id,
              from.next,
            );
            expect(rest.byCursor).toEqual(expected.filter((id) => position.get(id)! > position.get(from.id)!));
          }
        }
      }),
      { numRuns: 400 },
    );
    // 400 sites, each read ten ways: seconds on a quiet machine, more on a loaded one.
  }, 120_000);
});

describe('searches with more matches than a search sorts', () => {
  // Many matches are answered by probing the full-text index row by row or by collecting the matches
  // first (text-search.ts picks by page depth and word length); each must give the same rows as the meaning.
  // 'co' and 'acme' match about nine rows in ten: dense enough to be probed, with rows that must not match.
  const many = SORTED_SEARCH_MAX + 300;
  const queries = ['acme', 'acme 1', 'industries', 'industries acme', 'zürich', 'co', 'co test', 'company1'];

  it('list every matching company once, in order, whichever way the search is answered', () => {
    const insert = db.prepare(
      `INSERT INTO companies (id, site_id, domain, name, lead_score, visitor_count, first_seen, last_seen, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
    );
    db.transaction(() => {
      for (let i = 0; i < many; i++) {
        const name = i % 5 === 0 ? `Globex ${i}` : i % 7 === 0 ? `Zurich Industries ${i}` : `Acme Industries ${i}`;
        insert.run(`c${i}`, siteId, i % 11 === 0 ? `other${i}.test` : `co${i % 3 ? 'mpany' : ''}${i}.test`, name, i % 11, i % 4, t0 - i * 1000, t0 - (i % 13) * 60_000);
      }
    })();
    const all = db.prepare('SELECT id, name, domain FROM companies').all() as Array<{ id: string; name: string; domain: string }>;
    for (const sort of ['-leadScore', 'name', '-visitorCount'] as const) {
      const order = (db.prepare(`SELECT id FROM companies ORDER BY ${orderSql[sort]}`).pluck().all() as string[]).map((id, i) => [id, i] as const);
      const position = new Map(order);
      for (const q of queries) {
        const expected = all
          .filter((r) => matches(q, r.name, r.domain))
          .map((r) => r.id)
          .sort((a, b) => position.get(a)! - position.get(b)!);
        for (const limit of [2, 100]) {
          const { byCursor, byOffset, totals } = readAll(
            (page) => listCompanies(db, siteId, { q }, { ...page, sort }),
            limit,
            (r) => r.id,
          );
          expect(byCursor, `${q} by ${sort}`).toEqual(expected);
          expect(byOffset, `${q} by ${sort}`).toEqual(expected);
          expect(totals).toEqual([expected.length]);
        }
      }
    }
  });

  it('list every matching contact once, latest updated first, whichever way the search is answered', () => {
    db.transaction(() => {
      for (let i = 0; i < many; i++) {
        const first = i % 5 === 0 ? 'Zoë' : 'Patricia';
        upsertContact(
          db,
          siteId,
          { email: `person${i}@${i % 3 ? 'acme' : 'industries'}.test`, firstName: first, lastName: i % 10 === 0 ? 'Other' : `Acme${i % 17}` },
          'ingest',
          t0 + (i % 50),
        );
      }
    })();
    const all = db.prepare('SELECT id, email, first_name, last_name FROM contacts ORDER BY updated_at DESC, id DESC').all() as Array<Record<string, string>>;
    for (const q of ['acme', 'acme1', 'patricia acme', 'person acme', 'industries', 'zoe', 'person12']) {
      const expected = all.filter((r) => matches(q, `${r.first_name} ${r.last_name}`, r.email)).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      for (const limit of [2, 100]) {
        const { byCursor, byOffset, totals } = readAll(
          (page) => listContacts(db, siteId, { q }, page),
          limit,
          (r) => r.id,
        );
        expect(byCursor, q).toEqual(expected);
        expect(byOffset, q).toEqual(expected);
        expect(totals).toEqual([expected.length]);
      }
    }
  });
});

describe('page-view and visitor pages', () => {
  it('list every match once, newest first, by cursor and by offset, with and without bots and filters', () => {
    const view = fc.record({
      visitor: fc.constantFrom('v1', 'v2', '1700000000000123', '17000000000004567'),
      at: fc.constantFrom(0, 1, 1, 2, 3_600_000, 3_600_001, 7_300_000),
      bot: fc.boolean(),
      company: fc.constantFrom('globex.test', 'initech.test', null),
    });
    const filters = fc.record(
      {
        company: fc.constantFrom('globex.test', 'initech.test'),
        visitorId: fc.constantFrom('v1', '1700000000000123', 'nobody'),
        since: fc.constantFrom(t0 + 1, t0 + 3_600_000, t0 + 1_000_000),
        until: fc.constantFrom(t0 + 2, t0 + 3_600_001, t0 + 7_300_001),
      },
      { requiredKeys: [] },
    );
    let n = 0;
    fc.assert(
      fc.property(fc.array(view, { maxLength: 30 }), filters, fc.boolean(), fc.integer({ min: 1, max: 4 }), (views, filter, includeBots, limit) => {
        const run = ++n;
        db.exec('DELETE FROM page_view_rows; DELETE FROM visitor_rows; DELETE FROM companies; DELETE FROM company_visitors; DELETE FROM company_paths;');
        db.transaction(() => {
          views.forEach((v, i) =>
            writeEvent(
              db,
              pageViewRecord(siteId, `${run}00${i}`, { visitorId: v.visitor, ts: t0 + v.at, isBot: v.bot, company: v.company ? { domain: v.company } : null }),
            ),
          );
        })();
        const companyId =
          filter.company === undefined
            ? undefined
            : ((db.prepare('SELECT id FROM companies WHERE domain = ?').get(filter.company) as { id: string } | undefined)?.id ?? 'comp_none');
        const f: PageViewFilters = { companyId, visitorId: filter.visitorId, since: filter.since, until: filter.until, includeBots };
        const where = ['site_id = @siteId'];
        if (companyId !== undefined) where.push('company_id = @companyId');
        if (f.visitorId !== undefined) where.push('visitor_id = @visitorId');
        if (f.since !== undefined) where.push('ts >= @since');
        if (f.until !== undefined) where.push('ts < @until');
        if (!includeBots) where.push('is_bot = 0');
        const expected = (
          db.prepare(`SELECT pv_id FROM page_views WHERE ${where.join(' AND ')} ORDER BY ts DESC, id DESC`).all({ ...f, siteId }) as Array<{ pv_id: string }>
        ).map((r) => r.pv_id);
        const pages = readAll(
          (page) => listPageViews(db, siteId, f, page),
          limit,
          (r) => r.pv_id,
        );
        expect(pages.byCursor).toEqual(expected);
        expect(pages.byOffset).toEqual(expected);
        expect(pages.totals).toEqual([expected.length]);

        // Visitors tie on last_seen: their order ends in the row's number, which only visitor_rows shows.
        const visitorWhere = ['site = (SELECT num FROM site_numbers WHERE site_id = @siteId)'];
        if (companyId !== undefined) visitorWhere.push('company = (SELECT num FROM companies WHERE id = @companyId)');
        if (!includeBots) visitorWhere.push('is_bot = 0');
        const visitors = (
          db
            .prepare(
              `SELECT CASE WHEN typeof(visitor_id) = 'blob' THEN rtrim(hex(visitor_id), 'F') ELSE visitor_id END AS id FROM visitor_rows
                      WHERE ${visitorWhere.join(' AND ')} ORDER BY last_seen DESC, visitor_rows.id DESC`,
            )
            .all({ siteId, companyId }) as Array<{ id: string }>
        ).map((r) => r.id);
        const visitorPages = readAll(
          (page) => listVisitors(db, siteId, { companyId, includeBots }, page),
          limit,
          (r) => r.id,
        );
        expect(visitorPages.byCursor).toEqual(visitors);
        expect(visitorPages.byOffset).toEqual(visitors);
        expect(visitorPages.totals).toEqual([visitors.length]);
      }),
      { numRuns: 200 },
    );
  });
});
