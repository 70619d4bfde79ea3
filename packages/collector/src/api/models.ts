import { z } from 'zod';

/**
 * The response bodies, as zod schemas. They are not used to parse anything:
 * openapi.ts turns them into the document's schemas, and the render functions
 * are typed against them, so the document and the answers cannot drift apart.
 */

export const registry = z.registry<{ id: string }>();
const named = <T extends z.ZodType>(id: string, schema: T): T => {
  registry.add(schema, { id });
  return schema;
};

const timestamp = z.string().meta({ format: 'date-time', examples: ['2025-12-15T14:33:12Z'] });
const count = z.int().min(0);

export const errorModel = named(
  'Error',
  z.object({
    error: z.object({
      code: z.enum([
        'BAD_REQUEST',
        'UNAUTHORIZED',
        'FORBIDDEN',
        'NOT_FOUND',
        'METHOD_NOT_ALLOWED',
        'REQUEST_TIMEOUT',
        'CONFLICT',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        'UNPROCESSABLE_ENTITY',
        'TOO_MANY_REQUESTS',
        'REQUEST_HEADER_FIELDS_TOO_LARGE',
        'INTERNAL_SERVER_ERROR',
        'SERVICE_UNAVAILABLE',
      ]),
      message: z.string().describe('What was wrong and what is allowed'),
      status: z.int().min(400).max(599),
    }),
    details: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('Validation problems, one per field (400 and 422 only)'),
  }),
);

export const paginationModel = named(
  'Pagination',
  z.object({
    page: z.int().min(1).describe('Current page number'),
    limit: z.int().min(1).max(100).describe('Items per page'),
    total: count.describe('Total number of items'),
    pages: count.describe('Total number of pages (0 when there are no items)'),
    nextCursor: z.string().nullable().optional().describe('Only when the request pages by cursor: the cursor of the next page, null after the last'),
  }),
);

export const companyModel = named(
  'Company',
  z
    .object({
      id: z
        .string()
        .describe('Unique company identifier')
        .meta({ examples: ['comp_a1b2c3d4'] }),
      name: z.string().describe('Company name (the domain when no name is known)'),
      domain: z.string().describe('Company website domain'),
      industry: z.string().describe('Industry classification; "" when unknown'),
      size: z.string().describe('Company size range (e.g. "51-200"); "" when unknown'),
      city: z.string().describe('City; "" when unknown'),
      region: z.string().describe('State or region; "" when unknown'),
      country: z.string().describe('ISO 3166-1 alpha-2 country code; "" when unknown'),
      logoUrl: z.string().nullable().describe('URL to company logo'),
      linkedinUrl: z.string().nullable().describe('LinkedIn company page URL'),
      employeeCount: z.int().nullable().describe('Estimated employee count'),
      revenue: z.string().nullable().describe('Estimated revenue range (e.g. "$10M-$50M")'),
      leadScore: z.int().min(0).max(100).describe('Computed lead score (0-100)'),
      firstSeen: timestamp.describe('ISO 8601 timestamp of first visit (when it was added, for a company never seen)'),
      lastSeen: timestamp.describe('ISO 8601 timestamp of most recent visit (when it was added, for a company never seen)'),
      visitorCount: count.describe('Number of unique visitors from this company'),
      watchedDomain: z.string().nullable(),
    })
    .describe('An identified company'),
);

export const pageViewModel = named(
  'PageView',
  z.object({
    id: z.string().describe("Page-view id (the tracker's, or the one sent to /ingest, or derived; see docs)"),
    visitorId: z.string(),
    companyId: z.string().nullable(),
    url: z.string(),
    path: z.string(),
    title: z.string().nullable(),
    referrer: z.string().nullable(),
    timestamp,
    engagedSeconds: z.number().min(0).describe('Visible, engaged time on the page, in seconds'),
    browser: z.string().nullable(),
    os: z.string().nullable(),
    device: z.string().nullable().describe('desktop, mobile, tablet, ...'),
    country: z.string().nullable().describe('ISO 3166-1 alpha-2'),
    isBot: z.boolean(),
    source: z.enum(['tracker', 'ingest']),
  }),
);

export const visitorModel = named(
  'Visitor',
  z.object({
    id: z.string(),
    companyId: z.string().nullable(),
    contactId: z.string().nullable().describe('The contact who identified on this visitor'),
    firstSeen: timestamp,
    lastSeen: timestamp,
    pageViews: count,
    sessions: count,
    lastIp: z.string().nullable(),
    country: z.string().nullable(),
    browser: z.string().nullable(),
    os: z.string().nullable(),
    device: z.string().nullable(),
    isBot: z.boolean(),
  }),
);

export const contactModel = named(
  'Contact',
  z.object({
    id: z.string().describe('Contact id (the upId of /resolve)'),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    jobTitle: z.string().nullable(),
    seniority: z.string().nullable(),
    department: z.string().nullable(),
    phone: z.string().nullable(),
    linkedinUrl: z.string().nullable(),
    companyName: z.string().nullable(),
    companyDomain: z.string().nullable(),
    source: z.enum(['identify', 'ingest', 'webhook']),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
);

export const scoreModel = named(
  'ScoreBreakdown',
  z.object({
    total: z.int().min(0).max(100),
    components: z.array(
      z.object({
        name: z.enum(['engagement', 'intent', 'recency', 'fit', 'watchlist']),
        points: z.number(),
        max: z.number(),
        facts: z.record(z.string(), z.unknown()),
      }),
    ),
    model: z.string().describe('Label of the scoring model that produced it'),
    reason: z.string().optional(),
  }),
);

export const companyDetailModel = named(
  'CompanyDetail',
  z.object({
    company: companyModel.extend({
      pageViews: count.describe('Non-bot page views'),
      sessions: count,
      engagedSeconds: z.number().min(0),
      custom: z.record(z.string(), z.unknown()).describe('Custom metadata from ingest and webhooks'),
      scoredAt: timestamp.nullable(),
    }),
    score: scoreModel.nullable(),
    topPages: z.array(z.object({ path: z.string(), views: count })),
    contacts: z.array(contactModel),
    recentPageViews: z.array(pageViewModel),
  }),
);

export const apiKeyModel = named(
  'ApiKey',
  z.object({
    id: z.string(),
    label: z.string(),
    permission: z.enum(['read', 'write', 'admin']),
    prefix: z.string().describe('First characters of the key, to recognise it'),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable().describe('Updated at most once a minute'),
    revokedAt: timestamp.nullable(),
  }),
);

export const webhookEndpointModel = named(
  'WebhookEndpoint',
  z.object({
    id: z.string().meta({ examples: ['wh_a1b2c3d4e5f6'] }),
    url: z.string().describe('Where signals are POSTed, signed per the Standard Webhooks specification'),
    description: z.string(),
    events: z.array(z.string()).describe('The signal types sent, or ["*"] for all'),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().describe('Why ClearView turned the endpoint off (410 Gone, or 3 days of failures); null while enabled'),
    failingSince: timestamp.nullable().describe('The first failed attempt since the last delivered one; null when the last attempt delivered'),
    previousSecretExpiresAt: timestamp.nullable().describe('After a rotation, until when the previous secret also signs'),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
);

export const deliveryModel = named(
  'Delivery',
  z.object({
    id: z.string().meta({ examples: ['dlv_a1b2c3d4e5f6g7h8'] }),
    signalId: z.string().describe('The signal sent: the webhook-id header, the same on every attempt'),
    type: z.string().describe('The signal type (webhook.test for test deliveries)'),
    status: z.enum(['pending', 'delivered', 'failed']).describe('pending: due or waiting for a retry; failed: given up after 72 hours of retries'),
    attempts: count,
    nextAttemptAt: timestamp.nullable().describe('When the next attempt is due; null unless pending'),
    lastAttemptAt: timestamp.nullable(),
    lastResponseCode: z.int().nullable().describe("The receiver's last HTTP status; null when none came (timeout, connection error, refused address)"),
    lastError: z.string().nullable().describe('Why the last attempt failed'),
    deliveredAt: timestamp.nullable(),
    createdAt: timestamp,
  }),
);
