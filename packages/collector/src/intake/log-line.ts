import type { CompanyProfileInput } from '../store/companies.js';
import type { EventRecord, PageViewRecord } from '../store/events.js';

/**
 * How an event is written to the intake log (intake/intake-log.ts), and read
 * back by the writer thread.
 *
 * Page views and engagement, nearly every line, are JSON arrays of their fields
 * in a fixed order behind a one-letter tag: about half the bytes of the record as
 * a JSON object, and faster both ways, with no keys to write and none to
 * internalize when parsing (bench/writer-ids.mjs times the encoding).
 *
 * Any other line is the record as a JSON object: identify events, which are rare,
 * and every line of a log written before this format, which a collector must
 * still replay after an upgrade.
 */
export function encodeLogRecord(r: EventRecord): string {
  if (r.kind === 'engagement') return JSON.stringify(['e', r.siteId, r.pageViewId, r.ts, r.engagedMs]);
  if (r.kind !== 'pageview') return JSON.stringify(r);
  const u = r.utm;
  return JSON.stringify([
    'p',
    r.siteId,
    r.visitorId,
    r.pageViewId,
    r.ts,
    r.url,
    r.path,
    r.query,
    u.source,
    u.medium,
    u.campaign,
    u.term,
    u.content,
    r.referrer,
    r.referrerDomain,
    r.title,
    r.screenWidth,
    r.ip,
    r.country,
    r.asn,
    r.browser,
    r.os,
    r.device,
    r.isBot ? 1 : 0,
    r.company,
    r.source,
    r.engagedMs ?? null,
  ]);
}

const pageViewFields = 27;

const str = (value: unknown): string => {
  if (typeof value !== 'string') throw new TypeError('intake line: expected a string');
  return value;
};
const strOrNull = (value: unknown): string | null => (value === null ? null : str(value));
const num = (value: unknown): number => {
  if (typeof value !== 'number') throw new TypeError('intake line: expected a number');
  return value;
};
const numOrNull = (value: unknown): number | null => (value === null ? null : num(value));

/** The record of one intake-log line; throws on a line no collector wrote (a damaged disk). */
export function decodeLogRecord(json: string): EventRecord {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) {
    if (typeof parsed !== 'object' || parsed === null) throw new TypeError('intake line: not an event');
    return parsed as EventRecord;
  }
  const a = parsed as unknown[];
  if (a[0] === 'e' && a.length === 5) return { kind: 'engagement', siteId: str(a[1]), pageViewId: str(a[2]), ts: num(a[3]), engagedMs: num(a[4]) };
  if (a[0] !== 'p' || a.length !== pageViewFields) throw new TypeError('intake line: not an event');
  const record: PageViewRecord = {
    kind: 'pageview',
    siteId: str(a[1]),
    visitorId: str(a[2]),
    pageViewId: str(a[3]),
    ts: num(a[4]),
    url: str(a[5]),
    path: str(a[6]),
    query: strOrNull(a[7]),
    utm: { source: strOrNull(a[8]), medium: strOrNull(a[9]), campaign: strOrNull(a[10]), term: strOrNull(a[11]), content: strOrNull(a[12]) },
    referrer: strOrNull(a[13]),
    referrerDomain: strOrNull(a[14]),
    title: strOrNull(a[15]),
    screenWidth: numOrNull(a[16]),
    ip: strOrNull(a[17]),
    country: strOrNull(a[18]),
    asn: numOrNull(a[19]),
    browser: strOrNull(a[20]),
    os: strOrNull(a[21]),
    device: strOrNull(a[22]),
    isBot: a[23] === 1,
    company: a[24] as CompanyProfileInput | null,
    source: a[25] === 'ingest' ? 'ingest' : 'tracker',
  };
  if (a[26] !== null) record.engagedMs = num(a[26]);
  return record;
}
