import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { upsertSeenCompany } from '../../packages/collector/src/store/companies.js';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { sendBeacon, startTestServer, wireId, type TestServer } from '../helpers/server.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

describe('the collector server', () => {
  it('serves the built tracker at /t.js with content type, CORS, compression, ETag and cache headers', async () => {
    server = await startTestServer();
    const built = readFileSync(server.ctx.config.trackerFile);
    const res = await fetch(`${server.url}/t.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(Buffer.from(await res.arrayBuffer()).equals(built)).toBe(true);

    const raw = await new Promise<Buffer>((resolve, reject) => {
      void import('node:http').then(({ get }) =>
        get(`${server!.url}/t.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
          expect(r.headers['content-encoding']).toBe('gzip');
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject),
      );
    });
    expect(gunzipSync(raw).equals(built)).toBe(true);

    const revalidated = await fetch(`${server.url}/t.js`, { headers: { 'If-None-Match': etag } });
    expect(revalidated.status).toBe(304);
  });

  it('answers /healthz', async () => {
    server = await startTestServer();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('answers unknown routes with a 404 in the documented error shape', async () => {
    server = await startTestServer();
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('uses the socket address and ignores X-Forwarded-For unless told to trust a proxy', async () => {
    server = await startTestServer();
    const site = server.addSite();
    const p = wireId('pv');
    await sendBeacon(server, { k: site.siteKey, n: 'pageview', v: 'visitor_0001', p, u: 'https://example.com/' }, { ip: '203.0.113.9' });
    expect(server.ctx.db.prepare('SELECT ip FROM page_views WHERE pv_id = ?').get(p)).toEqual({ ip: '127.0.0.1' });
  });

  it('takes the right-most X-Forwarded-For entry when trusting one proxy', async () => {
    server = await startTestServer({ env: { CLEARVIEW_TRUST_PROXY: '1' } });
    const site = server.addSite();
    const p = wireId('pv');
    await sendBeacon(server, { k: site.siteKey, n: 'pageview', v: 'visitor_0001', p, u: 'https://example.com/' }, { ip: '6.6.6.6, 203.0.113.9' });
    expect(server.ctx.db.prepare('SELECT ip FROM page_views WHERE pv_id = ?').get(p)).toEqual({ ip: '203.0.113.9' });
  });

  it('sheds load with 503 and Retry-After when the write queue is full', async () => {
    server = await startTestServer({ env: { CLEARVIEW_MAX_QUEUE: '2', CLEARVIEW_BATCH_DELAY_MS: '300', CLEARVIEW_BATCH_SIZE: '100' } });
    const site = server.addSite();
    const send = () => sendBeacon(server!.url, { k: site.siteKey, n: 'pageview', v: 'visitor_0001', p: wireId('pv'), u: 'https://example.com/' });
    const answers = await Promise.all([send(), send(), send(), send()]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 503, 503]);
    const shed = answers.find((r) => r.status === 503)!;
    expect(shed.headers.get('retry-after')).toBe('1');
    expect((await shed.json()).error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('flushes queued events when closed, before the database closes', async () => {
    server = await startTestServer({ env: { CLEARVIEW_BATCH_DELAY_MS: '10000', CLEARVIEW_BATCH_SIZE: '1000' } });
    const site = server.addSite();
    const p = wireId('pv');
    const pending = sendBeacon(server.url, { k: site.siteKey, n: 'pageview', v: 'visitor_0001', p, u: 'https://example.com/' });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.ctx.writer.depth).toBe(1);
    const { default: Database } = await import('better-sqlite3');
    const closing = server.close();
    expect((await pending).status).toBe(202);
    await closing;
    const db = new Database(server.dbPath, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM page_views WHERE pv_id = ?').get(p)).toEqual({ n: 1 });
    db.close();
  });
});

describe('keeping scores fresh', () => {
  it('rescores a company whose stored score decay has made stale, on the writer thread, when it starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearview-refresh-'));
    const dbPath = join(dir, 'clearview.db');
    const db = openDatabase(dbPath);
    const { site } = createSite(db, { name: 'Site', domains: ['example.com'] });
    const seen = Date.parse('2026-11-20T10:00:00Z');
    const companyId = upsertSeenCompany(db, site.id, { domain: 'stale.example' }, seen);
    db.prepare('UPDATE companies SET page_views = 5, visitor_count = 1, sessions = 1, lead_score = 0, scored_at = ? WHERE id = ?').run(seen, companyId);
    db.close();
    const now = Date.parse('2026-11-23T10:00:00Z');
    server = await startTestServer({ env: { CLEARVIEW_DB: dbPath }, now: () => now });
    let scoredAt: number | null = seen;
    for (let i = 0; i < 100 && scoredAt === seen; i++) {
      await new Promise((r) => setTimeout(r, 50));
      scoredAt = (server.ctx.db.prepare('SELECT scored_at FROM companies WHERE id = ?').get(companyId) as { scored_at: number }).scored_at;
    }
    expect(scoredAt).toBe(now);
    await server.stop();
    server = null;
    rmSync(dir, { recursive: true, force: true });
  });
});
