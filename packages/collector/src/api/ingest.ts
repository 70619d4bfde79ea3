import { createHash } from 'node:crypto';
import { z } from 'zod';
import { pageViewRecord } from '../collect/record.js';
import { isRecognisedBot } from '../collect/bot-evidence.js';
import { parseClient } from '../collect/steps/add-client.js';
import type { AppContext } from '../context.js';
import { HttpError, badRequest } from '../errors.js';
import { countryCode } from '../mapping/country.js';
import { isEmailAddress, maxEmailLength } from '../mapping/email.js';
import { logFirst } from '../first-records.js';
import { isHttpUrl, maxUrlFieldLength } from '../mapping/url-field.js';
import { companyDomainFromEmail } from '../resolve/email-domain.js';
import { normalizeIp, parseCidr, singleAddressRange } from '../resolve/ip.js';
import { companyLogos } from '../resolve/logo-url.js';
import { domainRejectionText, normalizeCompanyDomain } from '../mapping/domain.js';
import { ensureCompany, upsertExplicitCompany } from '../store/company-profiles.js';
import { upsertContact } from '../store/contacts.js';
import { writeEvent, type FirstRecord } from '../store/events.js';
import { putIdentityRange } from '../store/identity.js';
import { findIdentityRange } from '../store/identity-queries.js';
import { linkVisitorContact } from '../store/visitors.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { issuesOf, summarize } from './schemas.js';

/** At most this many records (all four collections together) per request. */
export const maxIngestRecords = 1000;
/** Largest ingest body: 1 MiB. */
export const maxIngestBytes = 1024 * 1024;

const text = (name: string, max: number) =>
  z
    .string({ error: `${name} must be a string` })
    .trim()
    .min(1, `${name} must not be empty`)
    .max(max, `${name} must be at most ${max} characters`);

const domain = (name: string) =>
  z
    .string({ error: `${name} must be a string` })
    .max(300, `${name} must be at most 300 characters`)
    .transform((value, ctx) => {
      const normalized = normalizeCompanyDomain(value);
      if (!normalized.ok) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a domain name such as acme.com: "${value.slice(0, 60)}" ${domainRejectionText[normalized.reason]}` });
        return z.NEVER;
      }
      return normalized.domain;
    })
    .meta({ type: 'string', examples: ['acme.com'] });

/** A URL field (logo, LinkedIn): http(s) only (mapping/url-field.ts says why). */
const urlField = (name: string) =>
  z
    .string({ error: `${name} must be a string` })
    .trim()
    .refine(isHttpUrl, `${name} must be an http(s) URL of at most ${maxUrlFieldLength} characters`)
    .meta({ type: 'string', format: 'uri', examples: ['https://www.linkedin.com/company/acme'] });

const email = z
  .string({ error: 'email must be a string' })
  .trim()
  .max(maxEmailLength, `email must be at most ${maxEmailLength} characters`)
  .refine(isEmailAddress, 'email must be an email address such as sarah@acme.com')
  .transform((e) => e.toLowerCase());

export const ingestCompany = z.strictObject({
  domain: domain('domain').describe("The company's website domain; companies upsert by it"),
  name: text('name', 200).optional(),
  industry: text('industry', 100).optional(),
  size: text('size', 40).optional().describe('Size range, e.g. 51-200'),
  employeeCount: z
    .int({ error: 'employeeCount must be a whole number' })
    .min(0, 'employeeCount must be 0 or more')
    .max(10_000_000, 'employeeCount is too large')
    .optional(),
  revenue: text('revenue', 60).optional().describe('Revenue range, e.g. $10M-$50M'),
  city: text('city', 100).optional(),
  region: text('region', 100).optional(),
  country: z
    .string({ error: 'country must be a string' })
    .max(60, 'country must be at most 60 characters')
    .transform((value, ctx) => {
      const code = countryCode(value);
      if (!code) {
        ctx.addIssue({ code: 'custom', message: 'country must be an ISO 3166-1 alpha-2 code such as US (or an English country name)' });
        return z.NEVER;
      }
      return code;
    })
    .meta({ type: 'string', examples: ['US'] })
    .optional(),
  linkedinUrl: urlField('linkedinUrl').optional(),
  logoUrl: urlField('logoUrl').optional(),
  custom: z
    .record(z.string(), z.unknown(), { error: 'custom must be an object' })
    .refine((c) => JSON.stringify(c).length <= 16_384, 'custom must be at most 16 KB of JSON')
    .optional()
    .describe("Your own fields, merged into the company's custom metadata (a key set to null is removed)"),
});

export const ingestVisitor = z.strictObject({
  ip: z
    .string({ error: 'ip must be a string' })
    .max(60, 'ip must be at most 60 characters')
    .describe('An IP address or a CIDR range (e.g. 203.0.113.0/24) to map to the company'),
  userAgent: z
    .string({ error: 'userAgent must be a string' })
    .max(1024, 'userAgent must be at most 1024 characters')
    .optional()
    .describe("Used for the browser, OS, device and bot flag of this IP's page views in the same request"),
  companyDomain: domain('companyDomain'),
  companyName: text('companyName', 200).optional().describe('Names the company if the site does not know it yet'),
  email: email.optional().describe('A person seen from this address: links the contact to the IP (for /resolve?ip=)'),
});

export const ingestPageView = z.strictObject({
  id: z
    .string({ error: 'id must be a string' })
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'id must be 1-64 letters, digits, "_", "-", "." or ":"')
    .optional()
    .describe('Your id for this view; a view whose id is already stored is skipped. Without one, the id is derived from visitorIp, url and timestamp.'),
  url: z
    .string({ error: 'url must be a string' })
    .max(2048, 'url must be at most 2048 characters')
    .regex(/^(\/|https?:\/\/)\S*$/i, 'url must be a path such as /pricing or an http(s) URL'),
  visitorIp: z.string({ error: 'visitorIp must be a string' }).max(60, 'visitorIp must be at most 60 characters'),
  timestamp: z.iso.datetime({ offset: true, error: 'timestamp must be an ISO 8601 date-time such as 2025-12-15T14:33:12Z' }),
  duration: z
    .number({ error: 'duration must be a number of seconds' })
    .min(0, 'duration must be 0 or more seconds')
    .max(86_400, 'duration must be at most 86400 seconds')
    .optional(),
  title: z.string({ error: 'title must be a string' }).max(500, 'title must be at most 500 characters').optional(),
  referrer: z.string({ error: 'referrer must be a string' }).max(2048, 'referrer must be at most 2048 characters').optional(),
  userAgent: z.string({ error: 'userAgent must be a string' }).max(1024, 'userAgent must be at most 1024 characters').optional(),
});

export const ingestContact = z.strictObject({
  email: email.describe('Contacts upsert by email'),
  firstName: text('firstName', 100).optional(),
  lastName: text('lastName', 100).optional(),
  jobTitle: text('jobTitle', 200).optional(),
  seniority: text('seniority', 60).optional(),
  department: text('department', 100).optional(),
  linkedinUrl: urlField('linkedinUrl').optional(),
  phone: text('phone', 40).optional(),
  companyDomain: domain('companyDomain').optional().describe("Defaults to the email's domain unless it is a free-mail one"),
  companyName: text('companyName', 200).optional(),
});

const collections = ['companies', 'contacts', 'visitors', 'pageViews'] as const;
type Collection = (typeof collections)[number];

/** The request body as documented (for the OpenAPI document); records are validated one by one. */
export const ingestBody = z.strictObject({
  companies: z.array(ingestCompany).optional(),
  visitors: z.array(ingestVisitor).optional(),
  pageViews: z.array(ingestPageView).optional(),
  contacts: z.array(ingestContact).optional(),
});

const counts = z.object({ created: z.int(), updated: z.int(), errors: z.int(), duplicates: z.int() });
export const ingestResponse = z.object({
  success: z.literal(true),
  stats: counts.describe(
    'created: new records; updated: records that existed and were changed or confirmed; errors: records refused; duplicates: page views already stored',
  ),
  collections: z.object({ companies: counts, contacts: counts, visitors: counts, pageViews: counts }),
  errorDetails: z.array(z.object({ collection: z.enum(collections), index: z.int(), message: z.string() })),
});

type Counts = z.infer<typeof counts>;

/** Stable ids make a re-sent batch a no-op: the same IP is the same visitor, the same view the same id. */
const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('base64url');
export const ingestVisitorId = (siteId: string, ip: string) => `ing_${digest(siteId, ip).slice(0, 22)}`;
export const ingestPageViewId = (ip: string, url: string, ts: number) => `ing_${digest(ip, url, String(ts)).slice(0, 27)}`;

/** The identity range of an address or CIDR text, its prefix over the 16-byte form as stored. */
function rangeOf(text: string): { lo: string; hi: string; prefix: number } | string {
  const trimmed = text.trim();
  if (!trimmed.includes('/')) {
    const ip = normalizeIp(trimmed);
    return (ip ? singleAddressRange(ip) : null) ?? 'ip must be an IP address or a CIDR range such as 203.0.113.0/24';
  }
  const range = parseCidr(trimmed);
  if (!range) return 'ip must be an IP address or a CIDR range such as 203.0.113.0/24';
  const v4 = !trimmed.includes(':');
  // Wider than a /8 (IPv4) or /16 (IPv6) is no single organization's network: surely a mistake.
  if (range.prefix < (v4 ? 8 : 16)) return `range ${trimmed} is too broad; the widest accepted is /${v4 ? 8 : 16}`;
  return { lo: range.lo, hi: range.hi, prefix: v4 ? range.prefix + 96 : range.prefix };
}

/** The page as the record builder takes it: ingest may send a path alone, which has no host. */
function pageOf(url: string): { href: string; hostname: string | null; pathname: string; search: string } {
  try {
    const parsed = new URL(url, 'http://ingest.invalid');
    return { href: url, hostname: parsed.hostname === 'ingest.invalid' ? null : parsed.hostname, pathname: parsed.pathname, search: parsed.search };
  } catch {
    return { href: url, hostname: null, pathname: url.split(/[?#]/)[0] || '/', search: '' };
  }
}

function referrerOf(referrer: string | undefined): { href: string; hostname: string | null } | null {
  if (!referrer) return null;
  try {
    return { href: referrer, hostname: new URL(referrer).hostname || null };
  } catch {
    return { href: referrer, hostname: null };
  }
}

/** Runs one batch in one transaction; returns the response body and the companies to rescore. */
function ingest(ctx: AppContext, siteId: string, body: Record<Collection, unknown[]>) {
  const now = ctx.now();
  const stats = Object.fromEntries(collections.map((c) => [c, { created: 0, updated: 0, errors: 0, duplicates: 0 }])) as Record<Collection, Counts>;
  const errorDetails: Array<{ collection: Collection; index: number; message: string }> = [];
  const touched = new Set<string>();
  const refuse = (collection: Collection, index: number, message: string) => {
    stats[collection].errors += 1;
    errorDetails.push({ collection, index, message });
  };
  function valid<S extends z.ZodType>(collection: Collection, schema: S, records: unknown[]): Array<{ index: number; record: z.infer<S> }> {
    const out: Array<{ index: number; record: z.infer<S> }> = [];
    records.forEach((input, index) => {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) return refuse(collection, index, 'record must be a JSON object');
      const parsed = schema.safeParse(input);
      if (parsed.success) out.push({ index, record: parsed.data });
      else refuse(collection, index, summarize(issuesOf(parsed.error)));
    });
    return out;
  }
  const userAgents = new Map<string, string>();
  const withLogo = companyLogos(ctx.config.logoUrlTemplate);
  const links: Array<{ ip: string; email: string; companyDomain: string; companyName: string | undefined }> = [];

  const firsts: FirstRecord[] = [];
  // IMMEDIATE: the write lock is taken (waiting for it) before the first read. A deferred
  // transaction that reads first cannot upgrade once the writer thread or a job commits
  // meanwhile, and fails at once with SQLITE_BUSY however long the busy timeout.
  ctx.db
    .transaction(() => {
      for (const { record } of valid('companies', ingestCompany, body.companies)) {
        const { created, id } = upsertExplicitCompany(ctx.db, siteId, record, now);
        stats.companies[created ? 'created' : 'updated'] += 1;
        if (created) firsts.push({ kind: 'company', siteId, companyId: id, domain: record.domain, name: record.name ?? null });
        touched.add(id);
      }
      for (const { record } of valid('contacts', ingestContact, body.contacts)) {
        const companyDomain = record.companyDomain ?? companyDomainFromEmail(record.email);
        const { created, id } = upsertContact(ctx.db, siteId, { ...record, companyDomain }, 'ingest', now);
        stats.contacts[created ? 'created' : 'updated'] += 1;
        if (created) firsts.push({ kind: 'contact', siteId, contactId: id });
      }
      let identityChanged = false;
      for (const { index, record } of valid('visitors', ingestVisitor, body.visitors)) {
        const range = rangeOf(record.ip);
        if (typeof range === 'string') {
          refuse('visitors', index, range);
          continue;
        }
        const existing = findIdentityRange(ctx.db, siteId, range.lo, range.hi);
        putIdentityRange(ctx.db, { siteId, ...range, companyDomain: record.companyDomain, source: 'ingest' }, now);
        identityChanged = true;
        stats.visitors[existing ? 'updated' : 'created'] += 1;
        touched.add(ensureCompany(ctx.db, siteId, record.companyDomain, record.companyName ?? null, now));
        const single = range.prefix === 128 ? normalizeIp(record.ip.trim()) : null;
        if (single && record.userAgent !== undefined) userAgents.set(single, record.userAgent);
        if (single && record.email) links.push({ ip: single, email: record.email, companyDomain: record.companyDomain, companyName: record.companyName });
      }
      // Page views below resolve through the mappings just written.
      if (identityChanged) ctx.resolver.invalidateSite(siteId);
      for (const { index, record } of valid('pageViews', ingestPageView, body.pageViews)) {
        const ip = normalizeIp(record.visitorIp.trim());
        if (!ip) {
          refuse('pageViews', index, 'visitorIp must be an IP address such as 203.0.113.42');
          continue;
        }
        const ts = Date.parse(record.timestamp);
        if (ts > now + 3_600_000 || ts < Date.UTC(2000, 0, 1)) {
          refuse('pageViews', index, 'timestamp must be between 2000-01-01 and one hour from now');
          continue;
        }
        const resolution = ctx.resolver.resolve(siteId, ip);
        const userAgent = record.userAgent ?? userAgents.get(ip);
        const client = userAgent === undefined ? null : parseClient(userAgent);
        const pageView = pageViewRecord({
          siteId,
          visitorId: ingestVisitorId(siteId, ip),
          pageViewId: record.id ?? ingestPageViewId(ip, record.url, ts),
          ts,
          url: pageOf(record.url),
          referrer: referrerOf(record.referrer),
          title: record.title ?? null,
          screenWidth: null,
          ip,
          network: { ...resolution, company: resolution.company ? withLogo(resolution.company) : null },
          client,
          // By evidence only: a placeholder user agent in imported data must not hide the record (collect/bot-evidence.ts).
          botUserAgent: userAgent !== undefined && isRecognisedBot(userAgent),
          source: 'ingest',
          engagedMs: Math.round((record.duration ?? 0) * 1000),
        });
        const outcome = writeEvent(ctx.db, pageView);
        if (outcome.first) firsts.push(outcome.first);
        if (outcome.duplicate) stats.pageViews.duplicates += 1;
        else stats.pageViews.created += 1;
        if (outcome.companyId) touched.add(outcome.companyId);
      }
      // People seen from an address, linked last: the visitor then already carries the
      // times of its page views, and a link alone does not count as a visit.
      for (const link of links) {
        const contact = upsertContact(ctx.db, siteId, { email: link.email, companyDomain: link.companyDomain, companyName: link.companyName }, 'ingest', now);
        linkVisitorContact(ctx.db, siteId, ingestVisitorId(siteId, link.ip), contact.id, now, link.ip);
      }
    })
    .immediate();

  // Logged once the transaction has committed: a rolled-back ingest created nothing.
  for (const first of firsts.slice(0, 50)) logFirst(ctx.logger, first);
  const total = (key: keyof Counts) => collections.reduce((sum, c) => sum + stats[c][key], 0);
  return {
    body: {
      success: true as const,
      stats: { created: total('created'), updated: total('updated'), errors: total('errors'), duplicates: total('duplicates') },
      collections: stats,
      errorDetails,
    },
    touched,
  };
}

/** The four collections as arrays; a body we cannot read as a batch at all is a 400, one too big a 413. */
function batchOf(body: unknown): Record<Collection, unknown[]> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Request body must be a JSON object with companies, visitors, pageViews and/or contacts arrays');
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !(collections as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw badRequest(
      `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(', ')}; the body may have companies, visitors, pageViews and contacts`,
    );
  }
  const batch = {} as Record<Collection, unknown[]>;
  for (const c of collections) {
    const value = input[c];
    if (value !== undefined && value !== null && !Array.isArray(value)) throw badRequest(`${c} must be an array of records`);
    batch[c] = (value as unknown[] | undefined | null) ?? [];
  }
  const count = collections.reduce((sum, c) => sum + batch[c].length, 0);
  if (count > maxIngestRecords) {
    throw new HttpError(
      413,
      `A request may carry at most ${maxIngestRecords} records in all (companies, visitors, pageViews and contacts together); this one has ${count}. Split it into several requests.`,
    );
  }
  return batch;
}

export const ingestEndpoints: Endpoint[] = [
  {
    method: 'POST',
    path: '/api/v1/ingest',
    auth: 'bearer',
    permission: 'write',
    limit: 'ingest',
    bodyLimit: maxIngestBytes,
    handle(ctx, req, res) {
      const batch = batchOf(req.body);
      const { siteId } = callerOf(res);
      const { body, touched } = ingest(ctx, siteId, batch);
      // Identity data changed: anything resolved for this site before is stale.
      if (body.collections.visitors.created + body.collections.visitors.updated > 0) ctx.resolver.invalidateSite(siteId);
      if (touched.size > 0) ctx.rescore(touched);
      res.json(body);
    },
    doc: {
      tag: 'Ingest',
      summary: 'Batch-import companies, visitors, page views and contacts',
      description: [
        'Requires `Authorization: Bearer` with a write or admin key (X-Api-Key is refused here).',
        `At most ${maxIngestRecords} records in all and ${maxIngestBytes} bytes per request (413 past either).`,
        'Each record is validated on its own: good ones are stored (all in one transaction) and bad ones are counted in stats.errors and listed in errorDetails; the answer is 200 either way.',
        'Companies upsert by domain and contacts by email (sent values replace stored ones). Visitors map an IP or CIDR range to a company for resolution. Page views attach to the visitor of visitorIp; one whose id (given, or derived from visitorIp, url and timestamp) is already stored is counted in duplicates and not stored again, so sending a batch twice creates nothing twice.',
      ].join(' '),
      body: ingestBody,
      bodyExample: {
        companies: [{ name: 'Acme Corp', domain: 'acme.com', industry: 'Technology', size: '51-200' }],
        visitors: [{ ip: '203.0.113.42', userAgent: 'Mozilla/5.0 ...', companyDomain: 'acme.com' }],
        pageViews: [{ url: '/pricing', visitorIp: '203.0.113.42', timestamp: '2025-12-15T14:33:12Z', duration: 45 }],
      },
      responses: { 200: { description: 'What was stored, and each refused record with the reason', schema: ingestResponse } },
    },
  },
];
