import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitRecords, recordBatch } from '../../packages/collector/src/intake/commit.js';
import { createRescorer } from '../../packages/collector/src/score/rescore.js';
import { ensureCompany, upsertExplicitCompany } from '../../packages/collector/src/store/company-profiles.js';
import { deleteContact } from '../../packages/collector/src/store/contact-queries.js';
import { upsertContact } from '../../packages/collector/src/store/contacts.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { writeEvent, type EventRecord } from '../../packages/collector/src/store/events.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { linkVisitorContact } from '../../packages/collector/src/store/visitors.js';
import { pageViewRecord } from '../helpers/records.js';
import { countMismatches } from './count-checks.js';

/**
 * The counts the lists' totals come from stay equal to COUNT(*) through every path that
 * writes, in any order: beacon batches (with duplicates, engagement and identify events),
 * the intake replay after a crash, ingest, the webhook, contact erasure and rescoring,
 * on two sites at once.
 */

const t0 = Date.UTC(2026, 4, 1, 9, 0, 0);
const hour = 3_600_000;
const domains = ['acme.test', 'globex.test', 'initech.test'];
const visitorIds = ['v1', 'v2', '170000000000012345', '1700000000000123456'];

const profile = fc.record({
  domain: fc.constantFrom(...domains),
  name: fc.option(fc.constantFrom('Acme', 'Globex Corp', 'Initech'), { nil: undefined }),
  industry: fc.option(fc.constantFrom('Software', 'software', 'Retail'), { nil: undefined }),
  country: fc.option(fc.constantFrom('US', 'de'), { nil: undefined }),
  size: fc.option(fc.constantFrom('11-50', '51-200'), { nil: undefined }),
});
const beaconEvent = fc.oneof(
  fc.record({
    kind: fc.constant('pageview' as const),
    site: fc.nat(1),
    visitor: fc.constantFrom(...visitorIds),
    pv: fc.nat(12),
    at: fc.nat(5 * hour),
    bot: fc.boolean(),
    company: fc.option(profile, { nil: null }),
  }),
  fc.record({ kind: fc.constant('engagement' as const), site: fc.nat(1), pv: fc.nat(14), ms: fc.nat(5_000) }),
  fc.record({ kind: fc.constant('identify' as const), site: fc.nat(1), visitor: fc.constantFrom(...visitorIds), person: fc.nat(3), domain: fc.constantFrom(...domains) }),
);
type BeaconEvent = typeof beaconEvent extends fc.Arbitrary<infer T> ? T : never;
const operation = fc.oneof(
  fc.record({ op: fc.constant('beacons' as const), events: fc.array(beaconEvent, { minLength: 1, maxLength: 6 }) }),
  fc.record({ op: fc.constant('replay' as const), back: fc.nat(3), keep: fc.nat(6) }),
  fc.record({
    op: fc.constant('ingest' as const),
    site: fc.nat(1),
    companies: fc.array(profile, { maxLength: 2 }),
    views: fc.array(fc.record({ visitor: fc.constantFrom(...visitorIds), pv: fc.nat(12), at: fc.nat(5 * hour), company: fc.option(profile, { nil: null }) }), {
      maxLength: 3,
    }),
    person: fc.option(fc.nat(3), { nil: null }),
  }),
  fc.record({ op: fc.constant('webhook' as const), site: fc.nat(1), company: profile, person: fc.option(fc.nat(3), { nil: null }) }),
  fc.record({ op: fc.constant('erase' as const), site: fc.nat(1), person: fc.nat(3) }),
  fc.record({ op: fc.constant('rescore' as const), later: fc.nat(60 * 86_400_000) }),
);

describe('the kept counts', () => {
  it('equal COUNT(*) after any sequence of beacons, replays, ingest, webhooks, erasures and rescoring', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 12 }), (ops) => {
        const db = openDatabase(':memory:');
        try {
          const sites = [createSite(db, { name: 'A', domains: ['a.test'] }).site.id, createSite(db, { name: 'B', domains: ['b.test'] }).site.id];
          const batches: Array<{ records: EventRecord[]; seqs: number[] }> = [];
          let seq = 0;
          let clock = t0;
          const rescorer = createRescorer(db, { now: () => clock });
          const toRecord = (e: BeaconEvent): EventRecord => {
            const siteId = sites[e.site]!;
            if (e.kind === 'engagement') return { kind: 'engagement', siteId, pageViewId: `pv${e.pv}`, ts: t0, engagedMs: e.ms };
            if (e.kind === 'identify') {
              return {
                kind: 'identify',
                siteId,
                visitorId: e.visitor,
                ts: t0,
                ip: '203.0.113.9',
                contact: { email: `p${e.person}@${e.domain}`, companyDomain: e.domain },
                identityRange: { lo: '0000000000000000000000000000000a', hi: '0000000000000000000000000000000a', prefix: 128 },
              };
            }
            return pageViewRecord(siteId, `pv${e.pv}`, { visitorId: e.visitor, ts: t0 + e.at, isBot: e.bot, company: e.company });
          };
          for (const o of ops) {
            if (o.op === 'beacons') {
              const records = o.events.map(toRecord);
              const seqs = records.map(() => ++seq);
              batches.push({ records, seqs });
              commitRecords(db, recordBatch(records, seqs), clock);
            } else if (o.op === 'replay' && batches.length > 0) {
              // After a crash the log is read again from an earlier point: what the database
              // already holds (by sequence number) is skipped, the rest written once.
              const from = batches[Math.max(0, batches.length - 1 - o.back)]!;
              commitRecords(db, recordBatch(from.records.slice(0, 1 + o.keep), from.seqs.slice(0, 1 + o.keep)), clock);
            } else if (o.op === 'ingest') {
              const siteId = sites[o.site]!;
              db.transaction(() => {
                for (const c of o.companies) upsertExplicitCompany(db, siteId, c, clock);
                for (const v of o.views) {
                  if (v.company) ensureCompany(db, siteId, v.company.domain, v.company.name ?? null, clock);
                  writeEvent(db, pageViewRecord(siteId, `pv${v.pv}`, { visitorId: v.visitor, ts: t0 + v.at, company: v.company, source: 'ingest', engagedMs: 1_000 }));
                }
                if (o.person !== null) {
                  const contact = upsertContact(db, siteId, { email: `p${o.person}@acme.test`, companyDomain: 'acme.test' }, 'ingest', clock);
                  linkVisitorContact(db, siteId, visitorIds[o.person]!, contact.id, clock, '203.0.113.7');
                }
              })();
            } else if (o.op === 'webhook') {
              const siteId = sites[o.site]!;
              db.transaction(() => {
                upsertExplicitCompany(db, siteId, { ...o.company, custom: { via: 'webhook' } }, clock);
                if (o.person !== null) upsertContact(db, siteId, { email: `p${o.person}@${o.company.domain}`, companyDomain: o.company.domain }, 'webhook', clock);
              })();
            } else if (o.op === 'erase') {
              const siteId = sites[o.site]!;
              const ids = db.prepare('SELECT id FROM contacts WHERE site_id = ? ORDER BY email').pluck(true).all(siteId) as string[];
              if (ids.length) deleteContact(db, siteId, ids[o.person % ids.length]!);
            } else if (o.op === 'rescore') {
              clock += o.later;
              rescorer.rescore(db.prepare('SELECT id FROM companies').pluck(true).all() as string[]);
            }
          }
          expect(countMismatches(db)).toEqual([]);
        } finally {
          db.close();
        }
      }),
      { numRuns: 250 },
    );
    // 250 random histories, each checked whole: seconds on a quiet machine, more on a loaded one.
  }, 120_000);
});
