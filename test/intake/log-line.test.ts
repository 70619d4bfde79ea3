import { describe, expect, it } from 'vitest';
import { decodeLogRecord, encodeLogRecord } from '../../packages/collector/src/intake/log-line.js';
import type { EngagementRecord, IdentifyRecord, PageViewRecord } from '../../packages/collector/src/store/events.js';

const pageView: PageViewRecord = {
  kind: 'pageview',
  siteId: 'site_1',
  visitorId: 'vis_12345678',
  pageViewId: 'pv_12345678',
  ts: 1_795_000_000_000,
  url: 'https://acme.test/pricing?utm_source=news&utm_term=crm',
  path: '/pricing',
  query: 'utm_source=news&utm_term=crm',
  utm: { source: 'news', medium: null, campaign: null, term: 'crm', content: null },
  referrer: 'https://www.google.com/',
  referrerDomain: 'google.com',
  title: 'Pricing "plans"',
  screenWidth: 1440,
  ip: '198.51.100.7',
  country: 'DE',
  asn: 64500,
  browser: 'Firefox',
  os: 'Linux',
  device: 'desktop',
  isBot: true,
  company: { domain: 'globex.test', name: 'Globex' },
  source: 'tracker',
};

describe('intake-log lines', () => {
  it('writes a page view as a tagged array of its fields and reads back the same record', () => {
    const line = encodeLogRecord(pageView);
    expect(line).toBe(
      '["p","site_1","vis_12345678","pv_12345678",1795000000000,"https://acme.test/pricing?utm_source=news&utm_term=crm","/pricing",' +
        '"utm_source=news&utm_term=crm","news",null,null,"crm",null,"https://www.google.com/","google.com","Pricing \\"plans\\"",1440,' +
        '"198.51.100.7","DE",64500,"Firefox","Linux","desktop",1,{"domain":"globex.test","name":"Globex"},"tracker",null]',
    );
    expect(decodeLogRecord(line)).toEqual(pageView);
  });

  it("keeps an ingested page view's known engaged time and its source", () => {
    const ingested: PageViewRecord = { ...pageView, source: 'ingest', engagedMs: 4_000, isBot: false, company: null, referrer: null, referrerDomain: null };
    expect(decodeLogRecord(encodeLogRecord(ingested))).toEqual(ingested);
  });

  it('writes engagement as a five-field array', () => {
    const engagement: EngagementRecord = { kind: 'engagement', siteId: 'site_1', pageViewId: 'pv_12345678', ts: 1_795_000_000_500, engagedMs: 1_200 };
    expect(encodeLogRecord(engagement)).toBe('["e","site_1","pv_12345678",1795000000500,1200]');
    expect(decodeLogRecord(encodeLogRecord(engagement))).toEqual(engagement);
  });

  it('writes identify events, and reads lines of logs written before the arrays, as JSON objects', () => {
    const identify: IdentifyRecord = {
      kind: 'identify',
      siteId: 'site_1',
      visitorId: 'vis_12345678',
      ts: 1_795_000_000_000,
      ip: null,
      contact: { email: 'ada@globex.test' },
      identityRange: null,
    };
    expect(encodeLogRecord(identify)).toBe(JSON.stringify(identify));
    expect(decodeLogRecord(JSON.stringify(identify))).toEqual(identify);
    expect(decodeLogRecord(JSON.stringify(pageView))).toEqual(pageView);
  });

  it('refuses a line no collector wrote', () => {
    for (const line of ['["p","site_1"]', '["e","site_1","pv_1","soon",5]', '["x"]', '42', 'null', '["p"' + ',null'.repeat(26) + ']']) {
      expect(() => decodeLogRecord(line), line).toThrow(/intake line/);
    }
    expect(() => decodeLogRecord('{"kind":"pagev')).toThrow(SyntaxError);
  });
});
