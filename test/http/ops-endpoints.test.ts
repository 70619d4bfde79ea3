import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etagMatches } from '../../packages/collector/src/http/tracker-file.js';
import { metricsHeaders, startTestServer, type TestServer } from '../helpers/server.js';

// Issue 14, finding 9: /metrics is not public, and /t.js revalidates as caches ask.
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('/metrics', () => {
  it('answers only a scrape that sends CLEARVIEW_METRICS_TOKEN as Bearer', async () => {
    const anonymous = await fetch(`${server.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer test-metrics-token-wrong-guess' } })).status).toBe(401);
    const scrape = await fetch(`${server.url}/metrics`, { headers: metricsHeaders });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('clearview_');
  });

  it('is not served on the public listener without a token, and is served on CLEARVIEW_METRICS_ADDR', async () => {
    const plain = await startTestServer({ env: { CLEARVIEW_METRICS_TOKEN: '', CLEARVIEW_METRICS_ADDR: '127.0.0.1:0' } });
    try {
      const res = await fetch(`${plain.url}/metrics`);
      expect(res.status).toBe(404);
      expect((await res.json()).error.message).toContain('CLEARVIEW_METRICS_ADDR');
      const own = await fetch(`http://127.0.0.1:${plain.metricsPort}/metrics`);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('clearview_');
      expect((await fetch(`http://127.0.0.1:${plain.metricsPort}/api/v1/companies`)).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});

describe('/t.js revalidation', () => {
  it('matches If-None-Match weakly, in a list, and as *', async () => {
    const first = await fetch(`${server.url}/t.js`);
    const etag = first.headers.get('etag')!;
    for (const header of [etag, `W/${etag}`, `"other", W/${etag}`, '*']) {
      expect((await fetch(`${server.url}/t.js`, { headers: { 'If-None-Match': header } })).status, header).toBe(304);
    }
    expect((await fetch(`${server.url}/t.js`, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
  });

  it('compares tags exactly, apart from the weak prefix', () => {
    expect(etagMatches(undefined, '"a"')).toBe(false);
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches(' "b" ,W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"ab"', '"a"')).toBe(false);
    expect(etagMatches('a', '"a"')).toBe(false);
  });
});
