import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendBeacon } from '../helpers/server.js';
import { countMismatches } from '../store/count-checks.js';
import { startApi, type Api } from './client.js';

/**
 * The kept counts behind the lists' totals, driven through the collector's real ways in:
 * beacons (logged, committed by the writer thread, rescored after each batch), ingest, the
 * webhook and contact erasure, in random order. After each sequence every kept count equals
 * COUNT(*) over its rows, and each list's total equals the rows it lists.
 */

let api: Api;
beforeAll(async () => {
  api = await startApi({ CLEARVIEW_TRUST_PROXY: '1', CLEARVIEW_COMMIT_DELAY_MS: '0' });
});
afterAll(() => api.stop());

const domains = ['acme.example', 'globex.example', 'initech.example'];
const ips = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '192.0.2.44'];
const bot = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const operation = fc.oneof(
  fc.record({ op: fc.constant('pageview' as const), visitor: fc.nat(3), ip: fc.nat(3), pv: fc.nat(8), bot: fc.boolean() }),
  fc.record({ op: fc.constant('engagement' as const), visitor: fc.nat(3), pv: fc.nat(9), ms: fc.integer({ min: 1, max: 9_000 }) }),
  fc.record({ op: fc.constant('identify' as const), visitor: fc.nat(3), ip: fc.nat(3), person: fc.nat(2), domain: fc.nat(2) }),
  fc.record({
    op: fc.constant('ingest' as const),
    company: fc.nat(2),
    industry: fc.constantFrom('Software', 'Retail'),
    ip: fc.nat(3),
    views: fc.nat(3),
    person: fc.option(fc.nat(2), { nil: null }),
  }),
  fc.record({ op: fc.constant('webhook' as const), company: fc.nat(2), country: fc.constantFrom('US', 'DE'), person: fc.nat(2) }),
  fc.record({ op: fc.constant('erase' as const), person: fc.nat(2) }),
);

describe('the kept counts through the API and the beacon path', () => {
  it('equal COUNT(*), and every list total its rows, after any sequence of beacons, ingest, webhooks and erasures', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 8 }), async (ops) => {
        run += 1;
        const site = api.addSite(['example.com']);
        const read = (path: string) => api.call('GET', path, { key: site.keys.read });
        for (const o of ops) {
          if (o.op === 'pageview' || o.op === 'engagement' || o.op === 'identify') {
            // Digits only, as the tracker's ids, or other text: the two ways ids are stored.
            const v = o.visitor < 2 ? `${1_700_000_000_000 + run * 10 + o.visitor}` : `visitor_r${run}_${o.visitor}`;
            const body =
              o.op === 'pageview'
                ? { k: site.siteKey, n: 'pageview', v, p: `pageview_r${run}_${o.pv}`, u: `https://www.example.com/p${o.pv % 3}?utm_source=x`, t: 'Page' }
                : o.op === 'engagement'
                  ? { k: site.siteKey, n: 'engagement', v, p: `pageview_r${run}_${o.pv}`, u: 'https://www.example.com/', e: o.ms }
                  : { k: site.siteKey, n: 'identify', v, d: { email: `p${o.person}@${domains[o.domain]}` } };
            const res = await sendBeacon(api.server, body, { ip: ips['ip' in o ? o.ip : 0], userAgent: o.op === 'pageview' && o.bot ? bot : undefined });
            expect(res.status).toBe(202);
          } else if (o.op === 'ingest') {
            const res = await api.call('POST', '/api/v1/ingest', {
              key: site.keys.write,
              bearer: true,
              body: {
                companies: [{ domain: domains[o.company], name: `Company ${o.company}`, industry: o.industry }],
                visitors: [{ ip: ips[o.ip], companyDomain: domains[o.company], ...(o.person !== null ? { email: `p${o.person}@${domains[o.company]}` } : {}) }],
                pageViews: Array.from({ length: o.views }, (_, i) => ({
                  url: `/ingested/${i}`,
                  visitorIp: ips[o.ip],
                  timestamp: new Date(Date.now() - i * 60_000).toISOString(),
                })),
              },
            });
            expect(res.status).toBe(200);
          } else if (o.op === 'webhook') {
            const res = await api.call('POST', '/api/v1/webhook', {
              headers: { 'X-Site-Key': site.siteKey },
              body: { company_name: `Hooked ${o.company}`, domain: domains[o.company], country: o.country, email: `p${o.person}@${domains[o.company]}` },
            });
            expect(res.status).toBe(200);
          } else {
            const contacts = (await read('/api/v1/contacts?limit=100')).body.contacts as Array<{ id: string; email: string }>;
            const contact = contacts.sort((a, b) => a.email.localeCompare(b.email))[o.person % Math.max(1, contacts.length)];
            if (contact) expect((await api.call('DELETE', `/api/v1/contacts/${contact.id}`, { key: site.keys.write })).status).toBe(200);
          }
        }
        await api.server.settled();
        // This run's site alone: a failure is then this sequence's, not one left by an earlier run.
        expect(countMismatches(api.server.ctx.db, site.id)).toEqual([]);
        for (const [path, field] of [
          ['/api/v1/companies', 'companies'],
          ['/api/v1/visitors?include_bots=true', 'visitors'],
          ['/api/v1/visitors', 'visitors'],
          ['/api/v1/page-views?include_bots=true', 'pageViews'],
          ['/api/v1/page-views', 'pageViews'],
          ['/api/v1/contacts', 'contacts'],
        ] as const) {
          const res = await read(`${path}${path.includes('?') ? '&' : '?'}limit=100`);
          expect(res.body.pagination.total, path).toBe(res.body[field].length);
        }
      }),
      { numRuns: 40 },
    );
  });
});
