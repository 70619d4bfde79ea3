import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstStartBanner } from '../../packages/collector/src/bootstrap.js';
import { loadConfig } from '../../packages/collector/src/config.js';
import { dropSummaryJob, dropsSince } from '../../packages/collector/src/jobs/drop-summary.js';
import { createLogger } from '../../packages/collector/src/logger.js';
import { sendBeacon, startTestServer, wireId, type TestServer, type TestSite } from '../helpers/server.js';

/** A log destination that keeps every line. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines, text: () => JSON.stringify(lines) };
}

const log = capture();
let server: TestServer;
let site: TestSite;

beforeAll(async () => {
  server = await startTestServer({ logger: createLogger('info', log.stream) });
  site = server.addSite({ domains: ['example.com'] });
});
afterAll(() => server.stop());

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
};

describe('the operator log at info', () => {
  it('sums up a thousand refused beacons in one line by reason, not a line a beacon', async () => {
    // The server's own summary runs once a minute; this one, on the same counter, runs when the test says.
    const summaries = capture();
    const job = dropSummaryJob(server.ctx.metrics, createLogger('info', summaries.stream));
    await job.run(new AbortController().signal);
    const before = log.lines.length;
    const refused = { k: 'site_000000000000000000000000', n: 'pageview', v: 'visitor_0001', u: 'https://www.example.com/' };
    for (let sent = 0; sent < 1000; sent += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => sendBeacon(server.url, { ...refused, p: wireId('pv') })));
      expect(answers.every((res) => res.status === 403)).toBe(true);
    }
    await job.run(new AbortController().signal);
    expect(summaries.lines).toEqual([
      expect.objectContaining({ level: 30, dropped: { unknown_site_key: 1000 }, total: 1000, msg: '1000 beacons dropped in the last 60 s' }),
    ]);
    // Nothing in the server's log names these beacons one by one.
    expect(log.lines.slice(before)).toEqual([]);
    // A quiet minute is no line at all.
    await job.run(new AbortController().signal);
    expect(summaries.lines).toHaveLength(1);
  });

  it('logs an API request that ends in 4xx with method, path, status, time and key id, never the key', async () => {
    const res = await fetch(`${server.url}/api/v1/companies?limit=abc`, { headers: { 'X-Api-Key': site.keys.read } });
    expect(res.status).toBe(400);
    await waitFor(() => log.lines.some((line) => line.status === 400));
    const line = log.lines.find((l) => l.status === 400)!;
    expect(line).toMatchObject({ level: 30, method: 'GET', path: '/api/v1/companies', status: 400, keyId: expect.stringMatching(/^key_/) });
    expect(typeof line.ms).toBe('number');
    expect(log.text()).not.toContain(site.keys.read);
  });

  it('does not log an API request that succeeds', async () => {
    const before = log.lines.length;
    const res = await fetch(`${server.url}/api/v1/companies`, { headers: { 'X-Api-Key': site.keys.read } });
    expect(res.status).toBe(200);
    expect(log.lines.slice(before).filter((line) => line.path !== undefined)).toEqual([]);
  });

  it('logs a company and a contact the first time they are created, and not again', async () => {
    const ingest = () =>
      fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${site.keys.write}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ companies: [{ name: 'Acme Corp', domain: 'acme.com' }], contacts: [{ email: 'jane@acme.com' }] }),
      });
    expect((await ingest()).status).toBe(200);
    expect((await ingest()).status).toBe(200);
    const companies = log.lines.filter((line) => line.msg === 'company identified for the first time: Acme Corp');
    const contacts = log.lines.filter((line) => line.msg === 'contact identified for the first time');
    expect(companies).toEqual([expect.objectContaining({ siteId: site.id, domain: 'acme.com' })]);
    expect(contacts).toHaveLength(1);
    expect(log.text()).not.toContain('jane@acme.com');
  });
});

describe('the drop summary', () => {
  it('counts each reason from the difference of two readings, leaving out reasons with none', () => {
    expect(dropsSince({ unknown_site_key: 5, domain_not_allowed: 2 }, { unknown_site_key: 1005, domain_not_allowed: 2, duplicate_page_view: 3 })).toEqual({
      unknown_site_key: 1000,
      duplicate_page_view: 3,
    });
  });
});

describe('configuration warnings', () => {
  it('warns about a CLEARVIEW_ variable that is not a setting, an unknown level and a public URL that is not one', () => {
    const config = loadConfig({ CLEARVIEW_DBB: 'x.db', CLEARVIEW_LOG_LEVEL: 'loud', CLEARVIEW_PUBLIC_URL: 'collector.example.com' });
    expect(config.logLevel).toBe('info');
    expect(config.publicUrl).toBeNull();
    expect(config.warnings).toEqual([
      'CLEARVIEW_DBB is not a ClearView setting (a typo?); ignored',
      'CLEARVIEW_LOG_LEVEL "loud" is not one of trace, debug, info, warn, error, fatal, silent; logging at info',
      'CLEARVIEW_PUBLIC_URL "collector.example.com" is not an http(s) URL; ignored',
    ]);
  });

  it('has none for a plain setup', () => {
    expect(loadConfig({ CLEARVIEW_LOG_LEVEL: 'warn', CLEARVIEW_PUBLIC_URL: 'https://cv.example.com/' })).toMatchObject({
      logLevel: 'warn',
      publicUrl: 'https://cv.example.com',
      warnings: [],
    });
  });
});

describe('the first-start banner', () => {
  const first = { siteId: 'st_1', siteKey: 'site_abc', apiKey: 'cv_live_x', webhookSecret: 'whsec_y' };

  it('gives a localhost site a tag with data-allow-local and says how to register the real domain', () => {
    const banner = firstStartBanner(first, 'localhost', 'http://localhost:3000');
    expect(banner).toContain('<script defer src="http://localhost:3000/t.js" data-site-key="site_abc" data-allow-local></script>');
    expect(banner).toContain('npx clearview sites update st_1 --domain example.com');
  });

  it('gives a real domain the plain tag', () => {
    const banner = firstStartBanner(first, 'acme.com', 'https://cv.acme.com');
    expect(banner).toContain('<script defer src="https://cv.acme.com/t.js" data-site-key="site_abc"></script>');
    expect(banner).not.toContain('data-allow-local');
  });
});
