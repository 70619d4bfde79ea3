import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../packages/collector/src/store/db.js';
import { writeEvent } from '../../packages/collector/src/store/events.js';
import { createInlineReads, createReadPool, type ReadPool } from '../../packages/collector/src/store/read-pool.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { rowViews } from '../../packages/collector/src/api/row-views.js';
import { renderPageView } from '../../packages/collector/src/api/render.js';
import { pageViewRecord } from '../helpers/records.js';

let dir: string;
let dbPath: string;
let db: Db;
let siteId: string;
let pool: ReadPool;
const errors: unknown[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-reads-'));
  dbPath = join(dir, 'r.db');
  db = openDatabase(dbPath);
  siteId = createSite(db, { name: 'Acme', domains: ['acme.test'] }).site.id;
  db.transaction(() => {
    for (let i = 0; i < 30; i++) writeEvent(db, pageViewRecord(siteId, `pv_${i}`, { visitorId: `vis_${i % 3}`, ts: Date.UTC(2026, 10, 23) + i * 1000 }));
  })();
  pool = createReadPool(dbPath, { threads: 2, views: 'api/row-views.js', onError: (error) => errors.push(error) });
});
afterAll(async () => {
  await pool.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const filters = { includeBots: false };
const page = { limit: 10, offset: 0 };

describe('the read pool', () => {
  it('answers a list query on a read thread exactly as the same query on the main connection', async () => {
    const onThread = await pool.run('listPageViews', siteId, filters, page);
    const inline = await createInlineReads(db, rowViews).run('listPageViews', siteId, filters, page);
    expect(onThread.rows).toHaveLength(10);
    expect(onThread).toEqual(inline);
  });

  it('renders a list page on a read thread as the JSON text of the rendered rows, with the total and cursor', async () => {
    const plain = await createInlineReads(db, rowViews).run('listPageViews', siteId, filters, page);
    const rendered = await pool.renderList({ name: 'pageView' }, 'listPageViews', siteId, filters, page);
    expect(JSON.parse(rendered.rowsJson)).toEqual(JSON.parse(JSON.stringify(plain.rows.map(renderPageView))));
    expect(rendered).toMatchObject({ count: 10, total: plain.total, next: plain.next });
    expect(await createInlineReads(db, rowViews).renderList({ name: 'pageView' }, 'listPageViews', siteId, filters, page)).toEqual(rendered);
    await expect(pool.renderList({ name: 'nothing' }, 'listPageViews', siteId, filters, page)).rejects.toThrow(/no row view named nothing/);
  });

  it('spaces the start of reads while the beacon thread is busy, and answers each in turn', async () => {
    const busy = { now: false };
    const paced = createReadPool(dbPath, { threads: 2, views: 'api/row-views.js', pace: { busy: () => busy.now, gapMs: 100 }, onError: (error) => errors.push(error) });
    try {
      // Both threads up first: starting one takes longer than the gaps measured below.
      await Promise.all([0, 1].map(() => paced.run('listPageViews', siteId, filters, { limit: 1, offset: 0 })));
      busy.now = true;
      const started = Date.now();
      const answers = await Promise.all(
        [0, 1, 2].map((i) => paced.run('listPageViews', siteId, filters, { limit: 1, offset: i }).then((a) => [a, Date.now() - started] as const)),
      );
      // The third read may start no sooner than two gaps after the first.
      expect(answers[2]![1]).toBeGreaterThanOrEqual(200);
      const expected = (await createInlineReads(db, rowViews).run('listPageViews', siteId, filters, { limit: 3, offset: 0 })).rows.map((r) => r.pv_id);
      expect(answers.map(([a]) => a.rows[0]!.pv_id)).toEqual(expected);
    } finally {
      await paced.close();
    }
  });

  it('sees rows committed on another connection after they commit', async () => {
    const before = await pool.run('listVisitors', siteId, { includeBots: false }, page);
    db.transaction(() => writeEvent(db, pageViewRecord(siteId, 'pv_new', { visitorId: 'vis_new', ts: Date.UTC(2026, 10, 24) })))();
    const after = await pool.run('listVisitors', siteId, { includeBots: false }, page);
    expect(after.total).toBe(before.total + 1);
  });

  it('answers many concurrent reads, spread over its threads, each with its own answer', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => pool.run('listPageViews', siteId, filters, { limit: 1, offset: i % 30 })));
    const ids = answers.map((a) => a.rows[0]!.pv_id);
    const expected = (await createInlineReads(db, rowViews).run('listPageViews', siteId, filters, { limit: 30, offset: 0 })).rows.map((r) => r.pv_id);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => expected[i % 30]));
  });

  it('rejects a query that fails, and keeps answering afterwards', async () => {
    // A filter object the query cannot bind makes SQLite throw on the read thread.
    await expect(pool.run('listPageViews', siteId, { includeBots: false, since: {} as unknown as number }, page)).rejects.toThrow(/read failed/);
    expect((await pool.run('listPageViews', siteId, filters, page)).rows).toHaveLength(10);
  });

  it('refuses writes on its connection', async () => {
    const readOnly = openDatabase(dbPath, { readOnly: true });
    try {
      expect(() => readOnly.prepare("UPDATE sites SET name = 'x'").run()).toThrow(/readonly|query_only|attempt to write/i);
    } finally {
      readOnly.close();
    }
  });
});
