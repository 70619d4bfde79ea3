import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { listCompanies } from '../../packages/collector/src/store/company-queries.js';

let db: Db;
beforeAll(() => {
  db = openDatabase(':memory:');
});
afterAll(() => db.close());

const count = (siteId: string, min: number) =>
  (db.prepare('SELECT COUNT(*) AS n FROM companies WHERE site_id = ? AND lead_score >= ?').get(siteId, min) as { n: number }).n;
const listed = (siteId: string, min: number) => listCompanies(db, siteId, { minScore: min }, { limit: 1, offset: 0, sort: '-leadScore' }).total;

describe('the per-score company counts', () => {
  it('match a plain count after any sequence of inserts, score changes, site moves and deletes', () => {
    let n = 0;
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), site: fc.constantFrom('a', 'b'), score: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ kind: fc.constant('score' as const), pick: fc.nat(), score: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), site: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 100 }), (ops, min) => {
        db.exec('DELETE FROM companies');
        for (const o of ops) {
          const ids = (db.prepare('SELECT id FROM companies').all() as Array<{ id: string }>).map((r) => r.id);
          const id = ids.length ? ids[('pick' in o ? o.pick : 0) % ids.length] : undefined;
          if (o.kind === 'insert') {
            db.prepare('INSERT INTO companies (id, site_id, domain, lead_score, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)').run(
              `c${n}`,
              o.site,
              `d${n++}.com`,
              o.score,
            );
          } else if (id && o.kind === 'score') db.prepare('UPDATE companies SET lead_score = ? WHERE id = ?').run(o.score, id);
          else if (id && o.kind === 'move') db.prepare('UPDATE companies SET site_id = ? WHERE id = ?').run(o.site, id);
          else if (id && o.kind === 'delete') db.prepare('DELETE FROM companies WHERE id = ?').run(id);
        }
        for (const site of ['a', 'b']) {
          expect(listed(site, min)).toBe(count(site, min));
          expect(listCompanies(db, site, {}, { limit: 1, offset: 0, sort: '-leadScore' }).total).toBe(count(site, 0));
        }
      }),
      { numRuns: 150 },
    );
  });
});
