import { z } from 'zod';
import type { Endpoint } from './endpoint.js';
import { fieldDocs, fieldDocsBySchema } from './field-docs.js';
import { errorModel, registry } from './models.js';

type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of /api/v1, built from the same endpoint list that
 * app.ts mounts: paths, methods, permissions, rate-limit classes, parameters
 * and bodies (from the zod schemas that parse them) and responses (from the
 * zod models the handlers render). JSON Schema 2020-12 is OpenAPI 3.1's own
 * schema dialect, so z.toJSONSchema output is used as is, with named models
 * hoisted into components.schemas.
 */
export function buildOpenApi(endpoints: readonly Endpoint[], version: string): Json {
  const schemas: Record<string, Json> = {};

  const convert = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      metadata: registry,
      unrepresentable: 'any',
      // Query integers are parsed from text: their text pattern is an implementation detail.
      override: (ctx) => {
        const node = ctx.jsonSchema as Json;
        // metadata above is the models' registry, so .describe() and .meta() (kept in zod's global
        // registry) would be lost: without this, query integers read as strings and lose their descriptions.
        const global = z.globalRegistry.get(ctx.zodSchema);
        if (global) {
          const { id: _id, ...meta } = global;
          for (const [key, value] of Object.entries(meta)) if (!(key in node) || key === 'type') node[key] = value;
        }
        if ((node.type === 'integer' || node.type === 'boolean') && 'pattern' in node) delete node.pattern;
        if (node.type === 'boolean' && 'enum' in node) delete node.enum;
      },
    }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    for (const [name, def] of Object.entries(defs)) {
      const id = io === 'input' ? `${name}Input` : name;
      if (!schemas[id]) schemas[id] = rewriteRefs(def, io) as Json;
    }
    return rewriteRefs(json, io) as Json;
  };

  const errorRef = { $ref: '#/components/schemas/Error' };
  convert(z.object({ e: errorModel }), 'output');
  const errorResponse = (description: string, headers?: Json): Json => ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: errorRef } },
  });
  const rateHeaders = {
    'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
    'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
    'X-RateLimit-Reset': { $ref: '#/components/headers/X-RateLimit-Reset' },
  };

  const paths: Record<string, Record<string, Json>> = {};
  for (const e of endpoints) {
    const authenticated = e.auth !== 'public';
    const parameters: Json[] = [];
    for (const [name, description] of Object.entries(e.doc.pathParams ?? {})) {
      parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
    }
    if (e.doc.query) {
      const query = convert(e.doc.query, 'input');
      const properties = (query.properties ?? {}) as Record<string, Json>;
      const required = new Set((query.required ?? []) as string[]);
      for (const [name, schema] of Object.entries(properties)) {
        const { description, ...rest } = schema;
        parameters.push({ name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest });
      }
    }
    const responses: Record<string, Json> = {};
    for (const [status, response] of Object.entries(e.doc.responses)) {
      const ok = Number(status) < 400;
      responses[status] = {
        description: response.description,
        ...(ok && authenticated ? { headers: rateHeaders } : {}),
        ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: convert(response.schema, 'output') } } } : {}),
      };
    }
    const hasInput = Boolean(e.doc.query || e.doc.body || e.doc.pathParams);
    if (hasInput && !responses['400']) responses['400'] = { $ref: '#/components/responses/BadRequest' };
    if (authenticated) {
      responses['401'] ??= { $ref: '#/components/responses/Unauthorized' };
      responses['403'] ??= { $ref: '#/components/responses/Forbidden' };
      responses['429'] ??= { $ref: '#/components/responses/TooManyRequests' };
    }
    if (e.doc.body) {
      responses['413'] ??= { $ref: '#/components/responses/PayloadTooLarge' };
      responses['422'] ??= { $ref: '#/components/responses/UnprocessableEntity' };
    }
    responses['500'] = { $ref: '#/components/responses/InternalServerError' };

    const security =
      e.auth === 'public'
        ? []
        : e.auth === 'bearer'
          ? [{ BearerAuth: [] }]
          : e.auth === 'webhook'
            ? [{ WebhookSecret: [] }, { SiteKey: [] }, { ApiKeyHeader: [] }, { BearerAuth: [] }]
            : [{ ApiKeyHeader: [] }, { BearerAuth: [] }, { DashboardSession: [] }];
    const permissionNote = authenticated
      ? `\n\nPermission: **${e.permission}**${e.permission === 'admin' ? '' : ' (or higher)'}. Rate limit: the ${e.limit} class${e.auth === 'webhook' ? ', counted per site' : ', counted per key'}.`
      : '';
    const operation: Json = {
      operationId: operationId(e),
      summary: e.doc.summary,
      description: `${e.doc.description ?? e.doc.summary}${permissionNote}`,
      tags: [e.doc.tag],
      security,
      ...(parameters.length ? { parameters } : {}),
      ...(e.doc.body
        ? {
            requestBody: {
              // A body that may be left out (DELETE's domain can be in the query instead) is not required.
              required: !e.doc.body.safeParse(undefined).success,
              content: {
                'application/json': { schema: convert(e.doc.body, 'input'), ...(e.doc.bodyExample ? { example: e.doc.bodyExample } : {}) },
              },
            },
          }
        : {}),
      responses,
      'x-permission': authenticated ? e.permission : 'none',
      'x-rate-limit-class': authenticated ? e.limit : 'none',
    };
    (paths[e.path] ??= {})[e.method.toLowerCase()] = operation;
  }

  // The beacon endpoint is served by server.ts before Express; it is described here so
  // the document covers all of /api/v1. Its wire format is in the README.
  paths['/api/v1/collect'] = {
    post: {
      operationId: 'postCollect',
      summary: 'Tracker beacon',
      description:
        'What the tracking script sends: one JSON event (page view, engagement or identify) of at most 8 KB as text/plain (application/json from servers). No API key: the site key is in the event. Answers 202 once the event is written to the intake log, which a restart replays into the database after a crash; the database commit follows within about CLEARVIEW_COMMIT_DELAY_MS (200 ms), so a read right after the 202 may not see the event yet. A dropped event names its reason in X-ClearView-Dropped. See the README for the wire format.',
      tags: ['Tracker'],
      security: [],
      requestBody: { required: true, content: { 'text/plain': { schema: { type: 'string', maxLength: 8192 } }, 'application/json': { schema: { type: 'object' } } } },
      responses: {
        '202': { description: 'Accepted into the intake log (or a duplicate page view, named in X-ClearView-Dropped)' },
        '400': { $ref: '#/components/responses/BadRequest' },
        '403': { description: 'Unknown or revoked site key, or a page host that is not a registered domain', content: { 'application/json': { schema: errorRef } } },
        '413': { $ref: '#/components/responses/PayloadTooLarge' },
        '415': { description: 'Neither text/plain nor application/json', content: { 'application/json': { schema: errorRef } } },
        '503': { description: 'The write queue is full; retry after Retry-After seconds', content: { 'application/json': { schema: errorRef } } },
      },
      'x-permission': 'none',
      'x-rate-limit-class': 'none',
    },
  };

  for (const [name, schema] of Object.entries(schemas)) describeFields(schema, name);
  for (const methods of Object.values(paths)) {
    for (const op of Object.values(methods)) describeFields(op, '');
  }

  const tags = [...new Set([...endpoints.map((e) => e.doc.tag), 'Tracker'])].map((name) => ({ name, description: tagDescriptions[name] ?? name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'ClearView REST API',
      version,
      summary: 'Identified companies, visitors and page views; ingestion, webhooks and resolution.',
      description:
        'The REST API of a self-hosted ClearView collector. Every error answers `{ "error": { "code", "message", "status" } }`. ' +
        'List endpoints are paginated with `page` and `limit` and answer a `pagination` object `{ page, limit, total, pages }`. ' +
        'Authenticated answers carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds; fixed one-minute windows); past the limit the answer is 429 with `Retry-After`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'The collector serving this document (self-hosted: use your own base URL)' }],
    tags,
    paths,
    components: {
      schemas,
      securitySchemes: {
        ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'An API key: cv_live_ followed by 32 letters and digits' },
        BearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer cv_live_...' },
        SiteKey: { type: 'apiKey', in: 'header', name: 'X-Site-Key', description: 'The public site key (webhook only; can be turned off)' },
        WebhookSecret: { type: 'apiKey', in: 'header', name: 'X-Webhook-Secret', description: "The site's webhook secret (webhook only)" },
        DashboardSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'cv_session',
          description:
            'The dashboard session from POST /api/dashboard/session, acting as its key (site and permission). Used only when no key header is sent. A request that changes state with it needs an Origin equal to the collector’s own, else 403.',
        },
      },
      headers: {
        'X-RateLimit-Limit': { description: 'Requests allowed per minute for this key and endpoint class', schema: { type: 'integer' } },
        'X-RateLimit-Remaining': { description: 'Requests left in the current window', schema: { type: 'integer' } },
        'X-RateLimit-Reset': { description: 'When the current window ends, Unix seconds', schema: { type: 'integer' } },
        'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
      },
      responses: {
        BadRequest: errorResponse('Invalid query parameters or a body that is not JSON (the message says what is allowed)'),
        Unauthorized: errorResponse('Missing, malformed, unknown or revoked credentials'),
        Forbidden: errorResponse('The key lacks the permission this endpoint needs'),
        PayloadTooLarge: errorResponse('The body is larger than this endpoint accepts'),
        UnprocessableEntity: errorResponse('The body is JSON but its values are not valid (details lists each problem)'),
        TooManyRequests: errorResponse('Rate limit exceeded; wait Retry-After seconds', {
          'Retry-After': { $ref: '#/components/headers/Retry-After' },
          ...rateHeaders,
        }),
        InternalServerError: errorResponse('Unexpected server error (details are in the server log, never in the answer)'),
      },
    },
  };
}

const tagDescriptions: Record<string, string> = {
  Companies: 'Companies identified on the site, with lead scores',
  Dashboard: 'Signing in to the web dashboard at /dashboard/: a cv_session cookie that acts as a key',
  Visitors: 'Visitors and their resolved companies',
  'Page views': 'Individual page views',
  Contacts: 'People known on the site',
  Ingest: 'Batch import from other systems',
  Webhook: 'Data pushed by other services',
  Webhooks: 'Signed webhooks ClearView sends: endpoints, deliveries, secrets',
  Resolve: 'IP and domain resolution',
  'API keys': 'Key management (admin)',
  Settings: 'Site settings (admin)',
  'Watch list': 'Target accounts: a watched company on the site raises watchlist.hit (seed: Watch List)',
  Signals: 'ClearView events: watch-list hits, new companies and contacts, hot leads',
  Meta: 'This document',
  Tracker: 'The beacon endpoint of the tracking script (served before the REST API)',
};

function operationId(e: Endpoint): string {
  const words = e.path
    .replace(/^\/api\/(v1\/)?/, '')
    .split(/[/-]/)
    .filter(Boolean)
    .map((w) => (w.startsWith('{') ? `By${w[1]!.toUpperCase()}${w.slice(2, -1)}` : w[0]!.toUpperCase() + w.slice(1)));
  return `${e.method.toLowerCase()}${words.join('')}`;
}

function rewriteRefs(value: unknown, io: 'input' | 'output'): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, io));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')) {
      const name = child.slice('#/$defs/'.length);
      out[key] = `#/components/schemas/${io === 'input' ? `${name}Input` : name}`;
    } else out[key] = rewriteRefs(child, io);
  }
  return out;
}

/** Gives every property without a description its name's (field-docs.ts), looking inside nested schemas. */
function describeFields(node: unknown, schemaName: string): void {
  if (Array.isArray(node)) return node.forEach((child) => describeFields(child, schemaName));
  if (node === null || typeof node !== 'object') return;
  const properties = (node as Json).properties;
  if (properties && typeof properties === 'object' && !Array.isArray(properties)) {
    for (const [field, schema] of Object.entries(properties as Record<string, Json>)) {
      const doc = fieldDocsBySchema[`${schemaName}.${field}`] ?? fieldDocs[field];
      if (doc && typeof schema === 'object' && !schema.description) schema.description = doc;
    }
  }
  for (const child of Object.values(node)) describeFields(child, schemaName);
}
