import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/collector/src/store/api-keys.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { cliBin, spawnCollector, type CollectorProcess } from '../helpers/process.js';
import { expectedInsights, makeDataset } from './model.js';

let dir: string;
let dbPath: string;
let keys: { read: string; write: string };
const now = Date.now();
const data = makeDataset(11, now, 60, 12_000);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearview-follower-'));
  dbPath = join(dir, 'clearview.db');
  const db = openDatabase(dbPath);
  const { site } = createSite(db, { name: 'Crash', domains: ['example.com'] });
  keys = {
    read: createApiKey(db, { siteId: site.id, permission: 'read', label: 'r' }).key,
    write: createApiKey(db, { siteId: site.id, permission: 'write', label: 'w' }).key,
  };
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (everyMs: string) => ({ CLEARVIEW_DB: dbPath, CLEARVIEW_INSIGHTS_EVERY_MS: everyMs, CLEARVIEW_RATE_LIMIT_INGEST: '0', CLEARVIEW_RATE_LIMIT_READ: '0' });

async function call(collector: CollectorProcess, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${collector.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

function progress(): { last: number; newest: number; queued: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      last: db.prepare('SELECT last_id FROM insight_progress').pluck().get() as number,
      newest: (db.prepare('SELECT max(id) FROM page_view_rows').pluck().get() as number | null) ?? 0,
      queued: db.prepare('SELECT count(*) FROM insight_changes').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

async function until(test: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('the insight follower', () => {
  it('killed with kill -9 in the middle of its work, then restarted, gives the answers the raw rows give', async () => {
    // Stored with the follower off, so that the restarted collector has thousands of page views to follow.
    const first = await spawnCollector(env('0'));
    try {
      const companies = data.companies.map((c) => ({
        domain: c.domain,
        name: c.name,
        ...(c.industry ? { industry: c.industry } : {}),
        ...(c.size ? { size: c.size } : {}),
      }));
      expect((await call(first, 'POST', '/api/v1/ingest', keys.write, { companies })).status).toBe(200);
      const visitors = [...data.ips].filter(([, d]) => d !== null).map(([ip, companyDomain]) => ({ ip, companyDomain }));
      for (let i = 0; i < visitors.length; i += 1000)
        expect((await call(first, 'POST', '/api/v1/ingest', keys.write, { visitors: visitors.slice(i, i + 1000) })).status).toBe(200);
      for (let i = 0; i < data.pageViews.length; i += 1000) {
        const pageViews = data.pageViews.slice(i, i + 1000).map((pv) => ({
          url: pv.path,
          visitorIp: pv.ip,
          timestamp: new Date(pv.ts).toISOString(),
          title: pv.title,
          userAgent: pv.bot
            ? 'Googlebot/2.1 (+http://www.google.com/bot.html)'
            : 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
          ...(pv.referrer ? { referrer: pv.referrer } : {}),
        }));
        expect((await call(first, 'POST', '/api/v1/ingest', keys.write, { pageViews })).status).toBe(200);
      }
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    expect(progress().last).toBe(0);

    const second = await spawnCollector(env('1'));
    // Killed once the follower has committed a slice and has more to read: mid-way through its run.
    await until(() => {
      const p = progress();
      return p.last > 0;
    }, 'the first slice');
    second.child.kill('SIGKILL');
    await second.exited;
    const atKill = progress();
    expect(atKill.last).toBeLessThan(atKill.newest);

    const third = await spawnCollector(env('50'));
    try {
      await until(() => {
        const p = progress();
        return p.last === p.newest && p.queued === 0;
      }, 'the follower to catch up');
      const scores = new Map<string, number>();
      const list = await call(third, 'GET', '/api/v1/companies?limit=100', keys.read);
      for (const c of list.body.companies as Array<{ domain: string; leadScore: number }>) scores.set(c.domain, c.leadScore);
      const answer = await call(third, 'GET', '/api/dashboard/insights?days=30&tz=Asia/Kathmandu', keys.read);
      expect(answer.status).toBe(200);
      const asOf = Date.parse(answer.body.period.to);
      const expected = expectedInsights(data, { now: asOf, days: 30, tz: 'Asia/Kathmandu', scores, companies: data.companies, siteDomains: ['example.com'] });
      const { period, ...figures } = answer.body;
      const { from, ...want } = expected;
      expect(Date.parse(period.from)).toBe(from);
      expect(figures).toEqual(want);

      // The rebuild counts the same from the raw rows.
      const out = execFileSync(process.execPath, [cliBin, 'rollups', 'rebuild', '--site', siteIdOf(), '--json'], {
        env: { ...process.env, CLEARVIEW_DB: dbPath },
      });
      // Beside the running collector, in short slices it can commit between.
      expect(JSON.parse(out.toString())).toMatchObject({ pageViews: data.pageViews.filter((pv) => !pv.bot).length, besideCollector: true });
      const again = await call(third, 'GET', '/api/dashboard/insights?days=30&tz=Asia/Kathmandu', keys.read);
      expect({ ...again.body, period: null }).toEqual({ ...answer.body, period: null });
    } finally {
      third.child.kill('SIGTERM');
      await third.exited;
    }
    // With the collector stopped, the rebuild holds the database and takes large slices.
    const alone = execFileSync(process.execPath, [cliBin, 'rollups', 'rebuild', '--site', siteIdOf(), '--json'], { env: { ...process.env, CLEARVIEW_DB: dbPath } });
    expect(JSON.parse(alone.toString())).toMatchObject({ pageViews: data.pageViews.filter((pv) => !pv.bot).length, besideCollector: false });
  }, 300_000);
});

function siteIdOf(): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT id FROM sites').pluck().get() as string;
  } finally {
    db.close();
  }
}
