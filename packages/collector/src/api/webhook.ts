import type { Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { forbidden, unauthorized, unprocessable } from '../errors.js';
import { companyDomainFromEmail } from '../resolve/email-domain.js';
import { companyDomainOrNull } from '../mapping/domain.js';
import { findActiveApiKey } from '../store/api-keys.js';
import { upsertExplicitCompany } from '../store/company-profiles.js';
import { upsertContact } from '../store/contacts.js';
import { getSiteSettings, webhookAcceptsSiteKey } from '../store/site-settings.js';
import { findSiteByWebhookSecret, getSiteByKey } from '../store/sites.js';
import { listWebhookEvents, recordWebhookEvent } from '../store/webhook-events.js';
import { authenticateKey, keyFromHeaders, type Caller } from './auth.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { errorModel } from './models.js';
import { iso } from './render.js';
import { intParam, parseBody, parseQuery } from './schemas.js';
import { mapWebhookPayload } from '../mapping/webhook-fields.js';

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Who sends a webhook: the shared secret (X-Webhook-Secret), the site key
 * (X-Site-Key, unless the site turned that off: site keys are public, they sit
 * in every page's tracking tag), or an API key with write permission.
 */
export function webhookCaller(ctx: AppContext, req: Request): Caller {
  const secret = header(req, 'x-webhook-secret');
  if (secret !== undefined) {
    const site = secret.length <= 200 ? findSiteByWebhookSecret(ctx.db, secret) : null;
    if (!site) throw unauthorized('Invalid X-Webhook-Secret; use the secret printed when the site was created');
    return { siteId: site.id, key: null, via: 'secret' };
  }
  const siteKey = header(req, 'x-site-key');
  if (siteKey !== undefined) {
    const site = siteKey.length <= 100 && /^site_[A-Za-z0-9]{8,64}$/.test(siteKey) ? getSiteByKey(ctx.db, siteKey) : null;
    if (!site || site.siteKeyRevoked) throw unauthorized('Invalid X-Site-Key; `npx clearview sites list` lists each site key');
    if (!webhookAcceptsSiteKey(getSiteSettings(ctx.db, site.id))) {
      throw forbidden('This site does not accept its public site key for webhooks; send X-Webhook-Secret instead');
    }
    return { siteId: site.id, key: null, via: 'site_key' };
  }
  if (req.headers.authorization !== undefined || req.headers['x-api-key'] !== undefined) {
    const key = authenticateKey(keyFromHeaders(req.headers, false), (k) => findActiveApiKey(ctx.db, k));
    return { siteId: key.siteId, key, via: 'api_key' };
  }
  throw unauthorized('Missing credentials; send X-Webhook-Secret or X-Site-Key (or a write API key)');
}

const maxFields = 200;
export const webhookBody = z
  .record(z.string(), z.unknown())
  .refine((body) => Object.keys(body).length <= maxFields, `A webhook payload may have at most ${maxFields} fields`)
  .describe('Any JSON object. Common field names are mapped (see the documentation); every other field is kept as custom metadata on the company.');

export const webhookResponse = z.object({
  success: z.literal(true),
  companyId: z.string(),
  created: z.boolean().describe('Whether the company is new to the site'),
  mapped: z.record(z.string(), z.string()).describe('Each mapped field and where it went, e.g. { "company_name": "company.name" }'),
  custom: z.array(z.string()).describe('Fields kept as custom metadata'),
  contact: z.object({ id: z.string(), created: z.boolean() }).nullable().describe('The contact upserted from an email field, if any'),
  notes: z.array(z.object({ field: z.string(), message: z.string() })).describe('Fields that looked mappable but whose value was not usable (kept as custom)'),
});

const eventModel = z.object({
  id: z.int(),
  receivedAt: z.string(),
  auth: z.enum(['site_key', 'secret', 'api_key']),
  companyId: z.string().nullable(),
  payload: z.unknown(),
  mapped: z.record(z.string(), z.string()),
  custom: z.array(z.string()),
});

export const webhookEventsQuery = z.strictObject({
  limit: intParam('limit', 1, 100).default(20).describe('How many deliveries, newest first (max 100)'),
});

export const webhookEndpoints: Endpoint[] = [
  {
    method: 'POST',
    path: '/api/v1/webhook',
    auth: 'webhook',
    permission: 'write',
    limit: 'write',
    bodyLimit: 64 * 1024,
    handle(ctx, req, res) {
      const payload = parseBody(webhookBody, req.body);
      const caller = callerOf(res);
      const mapping = mapWebhookPayload(payload, { normalizeDomain: companyDomainOrNull, companyDomainFromEmail });
      // Trust follows the credential: the site key is public, so what it sends may fill but never overwrite trusted data.
      const source = caller.via === 'site_key' ? 'site_key' : 'trusted';
      if (mapping.refused.length > 0) {
        if (source === 'trusted') {
          throw unprocessable(`${mapping.refused[0]!.field} must be an http(s) URL`, mapping.refused);
        }
        for (const refused of mapping.refused) mapping.notes.push({ field: refused.field, message: `${refused.message}; dropped` });
      }
      const domain = mapping.company.domain;
      if (domain === null) {
        throw unprocessable('No company domain in the payload; send domain, website or url (or a business email address)', [
          { field: 'domain', message: 'required: one of domain, website, url, company_domain, or a business email' },
        ]);
      }
      const now = ctx.now();
      // IMMEDIATE, as ingest's: a deferred one fails with SQLITE_BUSY when another connection commits between its read and its write.
      const result = ctx.db
        .transaction(() => {
          const company = upsertExplicitCompany(ctx.db, caller.siteId, { ...mapping.company, domain, custom: mapping.custom }, now, source);
          const contact = mapping.contact
            ? upsertContact(ctx.db, caller.siteId, { ...mapping.contact, companyDomain: domain, companyName: mapping.company.name }, 'webhook', now, source)
            : null;
          recordWebhookEvent(ctx.db, {
            siteId: caller.siteId,
            receivedAt: now,
            // The webhook takes no cookie (its guard reads only its own headers): a session never gets here.
            auth: caller.via === 'session' ? 'api_key' : caller.via,
            companyId: company.id,
            payload,
            mapped: mapping.mapped,
            custom: Object.keys(mapping.custom),
          });
          return { company, contact };
        })
        .immediate();
      ctx.rescore([result.company.id]);
      res.json({
        success: true,
        companyId: result.company.id,
        created: result.company.created,
        mapped: mapping.mapped,
        custom: Object.keys(mapping.custom),
        contact: result.contact,
        notes: mapping.notes,
      });
    },
    doc: {
      tag: 'Webhook',
      summary: 'Receive data from another service',
      description: [
        'Send any JSON object. Authenticate with X-Webhook-Secret (recommended), X-Site-Key, or a write API key.',
        'The site key is public (it is in every tracked page), so anyone who reads a page can send data with it: what it sends may create companies and contacts and fill their empty fields, but never replaces a value sent with the secret, an API key or ingest. Set `webhook.acceptSiteKey` to false in the settings to require the secret.',
        'URL fields (logo, linkedin) must be http(s) URLs: with the secret or a key anything else is a 422 naming the field; with the site key it is dropped and noted.',
        'Field names are matched ignoring case, spaces, "_" and "-": company_name/companyName/company/name, domain/website/url (reduced to a domain), industry, employee_count/employees/employeeCount, size, city, region/state, country (code or English name), linkedin/linkedin_url, revenue, logo; email, first_name, last_name, job_title/title, seniority, department, phone make a contact.',
        'Every other field is kept as custom metadata on the company. Counts against the write rate limit, per site and credential class (site key, secret, API key), so site-key traffic cannot use up the quota of the others.',
      ].join(' '),
      body: webhookBody,
      bodyExample: {
        company_name: 'Acme Corp',
        domain: 'acme.com',
        industry: 'Technology',
        employee_count: 142,
        city: 'San Francisco',
        country: 'US',
        custom_field: 'any additional data',
      },
      responses: {
        200: { description: 'What was mapped and what was kept', schema: webhookResponse },
        422: { description: 'No company domain could be found in the payload, or (with the secret or a key) a URL field is not an http(s) URL', schema: errorModel },
      },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/webhook/events',
    auth: 'api_key',
    permission: 'read',
    limit: 'read',
    handle(ctx, req, res) {
      const query = parseQuery(webhookEventsQuery, req.query);
      const { siteId } = callerOf(res);
      res.json({
        events: listWebhookEvents(ctx.db, siteId, query.limit).map((row) => ({
          id: row.id,
          receivedAt: iso(row.received_at),
          auth: row.auth,
          companyId: row.company_id,
          payload: JSON.parse(row.payload) as unknown,
          mapped: JSON.parse(row.mapped) as Record<string, string>,
          custom: JSON.parse(row.custom) as string[],
        })),
      });
    },
    doc: {
      tag: 'Webhook',
      summary: 'Recent webhook deliveries',
      description: 'The latest deliveries (the last 200 are kept) with what each was mapped to: for debugging an integration.',
      query: webhookEventsQuery,
      responses: { 200: { description: 'Deliveries, newest first', schema: z.object({ events: z.array(eventModel) }) } },
    },
  },
];
