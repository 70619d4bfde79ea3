import fc from 'fast-check';
import { connect } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../helpers/server.js';
import { expectErrorShape, startApi, type Api, type Answer } from './client.js';

let api: Api;
let site: TestSite;
/** What the collector logged, one parsed line each. */
const logged: Array<{ level: number; msg: string; err?: unknown }> = [];

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
  api = await startApi({}, { logger });
  site = api.addSite();
});
afterAll(() => api.stop());

/** Every answer conforms to the document (the client checks), is never a 5xx, and errors have the error body. */
function expectSound(res: Answer): void {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) expectErrorShape(res.body, res.status);
}

const paramNames = [
  'page',
  'limit',
  'min_score',
  'q',
  'industry',
  'country',
  'size',
  'seen_after',
  'seen_before',
  'sort',
  'company_id',
  'visitor_id',
  'since',
  'until',
  'include_bots',
  'ip',
  'domain',
  'company_domain',
  'source',
];
const values = fc.oneof(
  fc.string(),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e3',
    '0x10',
    '100',
    '101',
    '1.5',
    ' 1',
    'true',
    '2025-12-15',
    '2025-13-45T99:00:00Z',
    '203.0.113.42',
    '::1',
    '1.2.3.4/24',
    '-leadScore',
    '%',
    '_',
    "'; DROP TABLE companies; --",
    'a'.repeat(5000),
  ),
);
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...paramNames), fc.string({ maxLength: 10 })), values), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const getPaths = [
  '/api/v1/contacts',
  '/api/v1/companies',
  '/api/v1/visitors',
  '/api/v1/page-views',
  '/api/v1/resolve',
  '/api/v1/webhook/events',
  '/api/v1/keys',
  '/api/v1/settings',
  '/api/v1/companies/comp_x',
];

describe('fuzzed requests', () => {
  it('never answer 5xx to any query string on the read endpoints', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...getPaths), query, async (path, q) => {
        expectSound(await api.call('GET', `${path}?${q}`, { key: site.keys.admin }));
      }),
      { numRuns: 150 },
    );
  });

  const field = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('acme.com', '203.0.113.42', '10.0.0.0/8', '2025-12-15T14:33:12Z', '/pricing', 'sarah@acme.com', -1, 1e308),
  );
  const record = (keys: string[]) => fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), field, { maxKeys: 6 });
  const ingestBody = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        companies: fc.array(record(['domain', 'name', 'industry', 'size', 'employeeCount', 'country', 'custom']), { maxLength: 4 }),
        visitors: fc.array(record(['ip', 'companyDomain', 'userAgent', 'email', 'companyName']), { maxLength: 4 }),
        pageViews: fc.array(record(['id', 'url', 'visitorIp', 'timestamp', 'duration', 'title', 'referrer']), { maxLength: 4 }),
        contacts: fc.array(record(['email', 'firstName', 'companyDomain']), { maxLength: 4 }),
      },
      { requiredKeys: [] },
    ),
  );

  it('never answer 5xx to any ingest body, and count every record once', async () => {
    await fc.assert(
      fc.asyncProperty(ingestBody, async (body) => {
        const res = await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, body });
        expectSound(res);
        if (res.status === 200) {
          const sent = ['companies', 'visitors', 'pageViews', 'contacts'].reduce((n, c) => n + ((body as Record<string, unknown[]>)[c] ?? []).length, 0);
          const { created, updated, errors, duplicates } = res.body.stats;
          expect(created + updated + errors + duplicates).toBe(sent);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('never answer 5xx to any webhook, key or settings body', async () => {
    const webhook = record(['company_name', 'domain', 'website', 'url', 'email', 'employees', 'country', 'name', '__proto__', 'constructor']);
    await fc.assert(
      fc.asyncProperty(fc.oneof(webhook, fc.jsonValue({ maxDepth: 2 })), async (body) => {
        expectSound(await api.call('POST', '/api/v1/webhook', { headers: { 'X-Webhook-Secret': site.webhookSecret }, body }));
      }),
      { numRuns: 80 },
    );
    const settings = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          domains: fc.array(fc.string(), { maxLength: 3 }),
          scoring: fc.jsonValue({ maxDepth: 3 }),
          webhook: fc.jsonValue({ maxDepth: 1 }),
          alerts: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(settings, async (body) => {
        expectSound(await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body }));
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(record(['label', 'permission']), fc.jsonValue({ maxDepth: 1 })), async (body) => {
        expectSound(await api.call('POST', '/api/v1/keys', { key: site.keys.admin, body }));
      }),
      { numRuns: 40 },
    );
  });

  it('never answer 5xx to arbitrary bytes as a body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
        expectSound(await api.call('POST', '/api/v1/ingest', { key: site.keys.write, bearer: true, raw }));
      }),
      { numRuns: 40 },
    );
  });

  const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);
  const jsonBodies = (): Array<{ method: string; path: string; headers: Record<string, string> }> => [
    { method: 'POST', path: '/api/v1/webhook', headers: { 'X-Webhook-Secret': site.webhookSecret } },
    { method: 'POST', path: '/api/v1/ingest', headers: { Authorization: `Bearer ${site.keys.write}` } },
    { method: 'PATCH', path: '/api/v1/settings', headers: { 'X-Api-Key': site.keys.admin } },
    { method: 'POST', path: '/api/v1/keys', headers: { 'X-Api-Key': site.keys.admin } },
  ];

  it('refuse JSON nested deeper than 32 levels with a 400 on every JSON body, and log it as one info line', async () => {
    logged.length = 0;
    for (const { method, path, headers } of jsonBodies()) {
      for (const raw of [
        `{"domain":"deep.example","custom":{"x":${nested(32)}}}`,
        `{"companies":[{"domain":"deep.example","custom":{"x":${nested(1000)}}}]}`,
        nested(7_000),
      ]) {
        const res = await api.call(method, path, { headers: { ...headers, 'Content-Type': 'application/json' }, raw });
        expect(res.status, `${method} ${path} ${raw.slice(0, 40)}`).toBe(400);
        expectErrorShape(res.body, 400);
        expect(res.body.error.message).toContain('deeper than 32');
      }
    }
    expect(logged.filter((line) => line.level >= 50)).toEqual([]);
    expect(logged.filter((line) => (line as { status?: number }).status === 400)).toHaveLength(12);
  });

  it('accept JSON nested 32 levels deep, and brackets inside strings whatever their number', async () => {
    const res = await api.call('POST', '/api/v1/webhook', {
      headers: { 'X-Webhook-Secret': site.webhookSecret },
      raw: `{"domain":"nest.example","custom":${nested(29)},"note":"${'['.repeat(100)}\\"["}`,
    });
    expect(res.status).toBe(200);
  });

  it('refuse invalid UTF-8 with a 400 on every surface, beacons included', async () => {
    const invalid = Buffer.concat([Buffer.from('{"domain":"utf.example","company_name":"Acme '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    for (const { method, path, headers } of jsonBodies()) {
      const res = await fetch(`${api.url}${path}`, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: invalid });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'BAD_REQUEST', message: 'Request body must be UTF-8 text', status: 400 });
    }
    const beacon = await fetch(`${api.url}/api/v1/collect`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: invalid });
    expect(beacon.status).toBe(400);
    expect(api.server.ctx.db.prepare("SELECT COUNT(*) AS n FROM companies WHERE domain = 'utf.example'").get()).toEqual({ n: 0 });
  });

  it('never answer 5xx to fuzzed bytes on any JSON body or beacon: invalid UTF-8, deep nesting and junk mixed', async () => {
    // Random bytes alone are rarely JSON: some sit inside a valid start, or in custom data nested to any depth.
    const inner = fc.oneof(fc.constant(Buffer.from('1')), fc.uint8Array({ maxLength: 40 }));
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .tuple(fc.integer({ min: 0, max: 3_000 }), inner)
        .map(([depth, bytes]) =>
          Buffer.concat([Buffer.from(`{"domain":"fuzz.example","custom":{"x":${'['.repeat(depth)}`), bytes, Buffer.from(`${']'.repeat(depth)}}}`)]),
        ),
      fc.uint8Array({ maxLength: 60 }).map((tail) => Buffer.concat([Buffer.from('{"domain":"fuzz.example","custom":{"x":"'), tail, Buffer.from('"}}')])),
    );
    const surfaces = [...jsonBodies(), { method: 'POST', path: '/api/v1/collect', headers: {} as Record<string, string> }];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...surfaces), body, async ({ method, path, headers }, bytes) => {
        const res = await fetch(`${api.url}${path}`, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: bytes });
        const text = await res.text();
        expect(res.status, `${method} ${path} ${Buffer.from(bytes).toString('hex').slice(0, 80)}`).toBeLessThan(500);
        if (res.status >= 400) expectErrorShape(JSON.parse(text), res.status);
      }),
      { numRuns: 60 },
    );
    expect(logged.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('say so when a gzip body does not decompress', async () => {
    const res = await fetch(`${api.url}/api/v1/webhook`, {
      method: 'POST',
      headers: { 'X-Webhook-Secret': site.webhookSecret, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: 'not gzip at all',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('could not be decompressed');
  });

  /** Writes raw bytes on a fresh connection and returns all the server sent before it closed. */
  const rawExchange = (bytes: string) =>
    new Promise<string>((resolve) => {
      const socket = connect(api.server.port, '127.0.0.1', () => socket.write(bytes));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
    });

  it('answer parser-level errors with the documented error body', async () => {
    const cases: Array<[string, string, number]> = [
      ['Content-Length with Transfer-Encoding', 'POST /api/v1/collect HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
      ['a negative Content-Length', 'POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
      ['headers over 16 KB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431],
      ['a request line that is not HTTP', 'HELLO WORLD\r\n\r\n', 400],
      ['a chunk size that is not hexadecimal', 'POST /api/v1/collect HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400],
      ['two different Content-Lengths', 'POST /api/v1/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400],
      ['a header name with a space', 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 400],
      ['a NUL in a header value', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n', 400],
    ];
    for (const [name, bytes, status] of cases) {
      const text = await rawExchange(bytes);
      expect(text, name).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as unknown;
      expectErrorShape(body, status);
    }
  });
});
