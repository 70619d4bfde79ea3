import { z } from 'zod';
import { conflict, notFound } from '../errors.js';
import { createApiKey, getApiKey, listApiKeys, permissions, revokeApiKey } from '../store/api-keys.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { apiKeyModel, errorModel } from './models.js';
import { renderApiKey } from './render.js';
import { idParam, noQuery, parseBody, parseQuery } from './schemas.js';

export const createKeyBody = z.strictObject({
  label: z
    .string({ error: 'label must be a string' })
    .trim()
    .min(1, 'label must not be empty')
    .max(100, 'label must be at most 100 characters')
    .describe('What the key is for, e.g. "Production Backend"'),
  permission: z.enum(permissions, { error: `permission must be one of ${permissions.join(', ')}` }),
});

const createdKey = apiKeyModel.extend({
  key: z
    .string()
    .describe('The key itself: shown this once and never again (only its hash is stored)')
    .meta({ examples: ['cv_live_abc123...'] }),
});

export const keyEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/keys',
    auth: 'api_key',
    permission: 'admin',
    limit: 'read',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const { siteId } = callerOf(res);
      res.json({ keys: listApiKeys(ctx.db, siteId).map(renderApiKey) });
    },
    doc: {
      tag: 'API keys',
      summary: 'List API keys',
      query: noQuery,
      description: "The site's keys, revoked ones included, oldest first. Never the keys themselves. Requires admin permission.",
      responses: { 200: { description: 'The keys', schema: z.object({ keys: z.array(apiKeyModel) }) } },
    },
  },
  {
    method: 'POST',
    path: '/api/v1/keys',
    auth: 'api_key',
    permission: 'admin',
    limit: 'write',
    bodyLimit: 16 * 1024,
    handle(ctx, req, res) {
      const body = parseBody(createKeyBody, req.body);
      const { siteId } = callerOf(res);
      const { apiKey, key } = createApiKey(ctx.db, { siteId, permission: body.permission, label: body.label }, ctx.now());
      res
        .status(201)
        .set({ Location: `/api/v1/keys/${apiKey.id}`, 'Cache-Control': 'no-store' })
        .json({ ...renderApiKey(apiKey), key });
    },
    doc: {
      tag: 'API keys',
      summary: 'Create an API key',
      description: 'Creates a key for the site. The answer holds the key itself once: store it in a secrets manager. Requires admin permission.',
      body: createKeyBody,
      bodyExample: { label: 'Production Backend', permission: 'read' },
      responses: { 201: { description: 'The new key, with the key text shown once', schema: createdKey } },
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/keys/{id}',
    auth: 'api_key',
    permission: 'admin',
    limit: 'write',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const id = idParam('id').safeParse(req.params.id);
      const { siteId } = callerOf(res);
      const key = id.success ? getApiKey(ctx.db, id.data) : null;
      if (!key || key.siteId !== siteId) throw notFound(`No API key with id "${String(req.params.id).slice(0, 100)}"`);
      if (key.revokedAt === null) {
        // The last admin key is what manages every other: losing it would leave only the CLI.
        const otherAdmins = listApiKeys(ctx.db, siteId).filter((k) => k.permission === 'admin' && k.revokedAt === null && k.id !== key.id);
        if (key.permission === 'admin' && otherAdmins.length === 0) {
          throw conflict("This is the site's last active admin key; create another admin key before revoking it");
        }
        revokeApiKey(ctx.db, key.id, siteId, ctx.now());
      }
      res.json(renderApiKey(getApiKey(ctx.db, key.id)!));
    },
    doc: {
      tag: 'API keys',
      summary: 'Revoke an API key',
      query: noQuery,
      description:
        'Revokes the key at once: its next request answers 401. Revoking a revoked key answers it unchanged. The last active admin key cannot be revoked (409). Requires admin permission.',
      pathParams: { id: 'Key id, e.g. key_a1b2c3d4e5f6' },
      responses: {
        200: { description: 'The revoked key', schema: apiKeyModel },
        404: { description: 'No such key on this site', schema: errorModel },
        409: { description: 'The last active admin key', schema: errorModel },
      },
    },
  },
];
