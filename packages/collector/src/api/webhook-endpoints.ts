import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { testSignal } from '../alerts/outbox-payload.js';
import { signalTypes } from '../alerts/signal.js';
import type { AppContext } from '../context.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import { checkOutboundUrl } from '../http/outbound-guard.js';
import { enqueueTestDelivery, getDelivery, redeliver } from '../store/deliveries.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  type WebhookEndpoint,
} from '../store/webhook-endpoints.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { deliveryModel, errorModel, paginationModel, webhookEndpointModel } from './models.js';
import { pagination, renderDelivery, renderWebhookEndpoint } from './render.js';
import { idParam, noQuery, pagingParams, parseBody, parseQuery } from './schemas.js';

/**
 * Outgoing webhooks: the endpoints a site registers for its signals, and what was
 * delivered to them. (POST /api/v1/webhook, singular, is the inbound one.)
 */

/** A site has a handful of receivers; a cap keeps one key from fanning every signal out a thousand times. */
export const maxEndpointsPerSite = 20;
/** Both secrets sign for this long after a rotation, so receivers switch without losing a delivery. */
export const rotationGraceMs = 24 * 3_600_000;

const eventNames = ['*', ...signalTypes] as const;
const eventsField = z
  .array(z.enum(eventNames, { error: `each event must be one of ${eventNames.join(', ')}` }), { error: 'events must be a list of signal types' })
  .min(1, 'events must list at least one signal type, or "*"')
  .max(eventNames.length, `events may list at most ${eventNames.length} entries`)
  .refine((events) => !events.includes('*') || events.length === 1, '"*" means every type: give it alone')
  .refine((events) => new Set(events).size === events.length, 'events must not repeat a type')
  .describe(`The signal types to send: any of ${signalTypes.join(', ')}; or ["*"] for all, including types added later`);
const urlField = z
  .string({ error: 'url must be a string' })
  .trim()
  .max(2000, 'url must be at most 2000 characters')
  .describe('An https:// URL on a public address; ClearView follows no redirects');
const descriptionField = z.string({ error: 'description must be a string' }).max(500, 'description must be at most 500 characters');
const enabledField = z.boolean({ error: 'enabled must be true or false' });

export const createWebhookBody = z.strictObject({
  url: urlField,
  events: eventsField.default(['*']),
  description: descriptionField.default(''),
  enabled: enabledField.default(true),
});
export const updateWebhookBody = z.strictObject({
  url: urlField.optional(),
  events: eventsField.optional(),
  description: descriptionField.optional(),
  enabled: enabledField.optional().describe('true turns an endpoint on again, clearing disabledReason; pending deliveries then go out'),
});
export const deliveryListQuery = z.strictObject({ ...pagingParams });

const withSecret = webhookEndpointModel.extend({
  secret: z
    .string()
    .describe('The signing secret (whsec_ and base64), shown this once: keep it where your receiver verifies signatures')
    .meta({ examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] }),
});
const endpointNotFound = { description: "No such webhook endpoint on this key's site", schema: errorModel };
const disabledConflict = { description: 'The endpoint is turned off: enable it first', schema: errorModel };

/** A URL ClearView may call, or a 422 naming the field and the rule it breaks. */
export function outboundUrlOrRefuse(ctx: AppContext, field: string, url: string): string {
  const verdict = checkOutboundUrl(url, { allowPrivate: ctx.config.allowPrivateWebhooks });
  if (!verdict.ok) throw unprocessable(`${field} ${verdict.reason}`, [{ field, message: `${field} ${verdict.reason}` }]);
  return verdict.url.href;
}

function endpointOf(ctx: AppContext, siteId: string, rawId: unknown): WebhookEndpoint {
  const id = idParam('id').safeParse(rawId);
  const endpoint = id.success ? getWebhookEndpoint(ctx.db, siteId, id.data) : null;
  if (!endpoint) throw notFound(`No webhook endpoint with id "${String(rawId).slice(0, 100)}"`);
  return endpoint;
}

export const webhookEndpointEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/webhooks',
    auth: 'api_key',
    permission: 'write',
    limit: 'read',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const { siteId } = callerOf(res);
      const now = ctx.now();
      res.json({ webhooks: listWebhookEndpoints(ctx.db, siteId).map((e) => renderWebhookEndpoint(e, now)) });
    },
    doc: {
      tag: 'Webhooks',
      summary: 'List webhook endpoints',
      description: "The site's webhook endpoints, oldest first, without their secrets. Requires write permission.",
      query: noQuery,
      responses: { 200: { description: 'The endpoints', schema: z.object({ webhooks: z.array(webhookEndpointModel) }) } },
    },
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    bodyLimit: 16 * 1024,
    handle(ctx, req, res) {
      const body = parseBody(createWebhookBody, req.body);
      const { siteId } = callerOf(res);
      const url = outboundUrlOrRefuse(ctx, 'url', body.url);
      if (listWebhookEndpoints(ctx.db, siteId).length >= maxEndpointsPerSite) {
        throw conflict(`A site has at most ${maxEndpointsPerSite} webhook endpoints; delete one first`);
      }
      const now = ctx.now();
      const { endpoint, secret } = createWebhookEndpoint(ctx.db, { siteId, url, description: body.description, events: body.events, enabled: body.enabled }, now);
      res
        .status(201)
        .set({ Location: `/api/v1/webhooks/${endpoint.id}` })
        .json({ ...renderWebhookEndpoint(endpoint, now), secret });
    },
    doc: {
      tag: 'Webhooks',
      summary: 'Register a webhook endpoint',
      description:
        'Signals of the chosen types are POSTed to the URL as { id, type, createdAt, data }, signed per the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature). The answer holds the signing secret once. Requires write permission.',
      body: createWebhookBody,
      bodyExample: { url: 'https://hooks.example.com/clearview', events: ['watchlist.hit', 'lead.hot'], description: 'CRM sync' },
      responses: {
        201: { description: 'The endpoint, with its secret shown once', schema: withSecret },
        409: { description: `The site already has ${maxEndpointsPerSite} endpoints`, schema: errorModel },
      },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{id}',
    auth: 'api_key',
    permission: 'write',
    limit: 'read',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      res.json(renderWebhookEndpoint(endpointOf(ctx, callerOf(res).siteId, req.params.id), ctx.now()));
    },
    doc: {
      tag: 'Webhooks',
      summary: 'Get one webhook endpoint',
      description: 'The endpoint, and why ClearView turned it off if it did. Requires write permission.',
      query: noQuery,
      pathParams: { id: 'Endpoint id, e.g. wh_a1b2c3d4e5f6' },
      responses: { 200: { description: 'The endpoint', schema: webhookEndpointModel }, 404: endpointNotFound },
    },
  },
  {
    method: 'PATCH',
    path: '/api/v1/webhooks/{id}',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    bodyLimit: 16 * 1024,
    handle(ctx, req, res) {
      const body = parseBody(updateWebhookBody, req.body);
      const { siteId } = callerOf(res);
      const endpoint = endpointOf(ctx, siteId, req.params.id);
      const url = body.url === undefined ? undefined : outboundUrlOrRefuse(ctx, 'url', body.url);
      const now = ctx.now();
      const updated = updateWebhookEndpoint(ctx.db, siteId, endpoint.id, { ...body, url }, now);
      if (!updated) throw notFound(`No webhook endpoint with id "${endpoint.id}"`);
      res.json(renderWebhookEndpoint(updated, now));
    },
    doc: {
      tag: 'Webhooks',
      summary: 'Change a webhook endpoint',
      description: 'Changes only what is sent. Requires write permission.',
      body: updateWebhookBody,
      bodyExample: { enabled: true },
      pathParams: { id: 'Endpoint id, e.g. wh_a1b2c3d4e5f6' },
      responses: { 200: { description: 'The endpoint after the change', schema: webhookEndpointModel }, 404: endpointNotFound },
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/webhooks/{id}',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const { siteId } = callerOf(res);
      const endpoint = endpointOf(ctx, siteId, req.params.id);
      deleteWebhookEndpoint(ctx.db, siteId, endpoint.id);
      res.json({ deleted: 1 });
    },
    doc: {
      tag: 'Webhooks',
      summary: 'Delete a webhook endpoint',
      description: 'Deletes the endpoint and its delivery history; deliveries still pending are never sent. Requires write permission.',
      query: noQuery,
      pathParams: { id: 'Endpoint id, e.g. wh_a1b2c3d4e5f6' },
      responses: { 200: { description: 'Deleted', schema: z.object({ deleted: z.literal(1) }) }, 404: endpointNotFound },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{id}/deliveries',
    auth: 'api_key',
    permission: 'write',
    limit: 'read',
    async handle(ctx, req, res) {
      const query = parseQuery(deliveryListQuery, req.query);
      const { siteId } = callerOf(res);
      const endpoint = endpointOf(ctx, siteId, req.params.id);
      const { rows, total } = await ctx.reads.run('listEndpointDeliveries', siteId, endpoint.id, { limit: query.limit, offset: (query.page - 1) * query.limit });
      res.json({ deliveries: rows.map(renderDelivery), pagination: pagination(query.page, query.limit, total) });
    },
    doc: {
      tag: 'Webhooks',
      summary: "List an endpoint's deliveries",
      description: 'Newest first: status, attempts, the next attempt, the last response code and error. Requires write permission.',
      query: deliveryListQuery,
      pathParams: { id: 'Endpoint id, e.g. wh_a1b2c3d4e5f6' },
      responses: {
        200: { description: 'One page of deliveries', schema: z.object({ deliveries: z.array(deliveryModel), pagination: paginationModel }) },
        404: endpointNotFound,
      },
    },
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const { siteId } = callerOf(res);
      const endpoint = endpointOf(ctx, siteId, req.params.id);
      const deliveryId = idParam('deliveryId').safeParse(req.params.deliveryId);
      const found = deliveryId.success ? getDelivery(ctx.db, siteId, endpoint.id, deliveryId.data) : null;
      if (!found) throw notFound(`No delivery with id "${String(req.params.deliveryId).slice(0, 100)}" on this endpoint`);
      if (!endpoint.enabled) throw conflict('The endpoint is turned off; enable it (PATCH enabled: true) before redelivering');
      res.status(202).json(renderDelivery(redeliver(ctx.db, siteId, endpoint.id, found.id, ctx.now())!));
    },
    doc: {
      tag: 'Webhooks',
      summary: 'Send a delivery again',
      description:
        'Sends the same body with the same webhook-id again, due at once, with a fresh 72-hour retry window, whatever its status was. Requires write permission.',
      query: noQuery,
      pathParams: { id: 'Endpoint id, e.g. wh_a1b2c3d4e5f6', deliveryId: 'Delivery id, e.g. dlv_a1b2c3d4e5f6g7h8' },
      responses: {
        202: { description: 'The delivery, due now', schema: deliveryModel },
        404: { description: 'No such endpoint or delivery', schema: errorModel },
        409: disabledConflict,
      },
    },
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/test',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const { siteId } = callerOf(res);
      const endpoint = endpointOf(ctx, siteId, req.params.id);
      if (!endpoint.enabled) throw conflict('The endpoint is turned off; enable it (PATCH enabled: true) before testing it');
      const now = ctx.now();
      res.status(202).json(renderDelivery(enqueueTestDelivery(ctx.db, endpoint.id, testSignal(randomUUID(), siteId, now), now)));
    },
    doc: {
      tag: 'Webhooks',
      summary: 'Send a test delivery',
      description:
        'Queues a signal of type webhook.test for this endpoint, sent and retried like any other; follow it in the deliveries list. Requires write permission.',
      query: noQuery,
      pathParams: { id: 'Endpoint id, e.g. wh_a1b2c3d4e5f6' },
      responses: { 202: { description: 'The test delivery, due now', schema: deliveryModel }, 404: endpointNotFound, 409: disabledConflict },
    },
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/rotate-secret',
    auth: 'api_key',
    permission: 'write',
    limit: 'write',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const { siteId } = callerOf(res);
      const endpoint = endpointOf(ctx, siteId, req.params.id);
      const now = ctx.now();
      const secret = rotateWebhookSecret(ctx.db, siteId, endpoint.id, now, rotationGraceMs);
      const rotated = secret === null ? null : getWebhookEndpoint(ctx.db, siteId, endpoint.id);
      if (secret === null || !rotated) throw notFound(`No webhook endpoint with id "${endpoint.id}"`);
      res.json({ ...renderWebhookEndpoint(rotated, now), secret });
    },
    doc: {
      tag: 'Webhooks',
      summary: "Rotate an endpoint's signing secret",
      description:
        'A new secret, shown once. For 24 hours every delivery carries two signatures, one per secret, so the receiver can switch at any time in between. Requires write permission.',
      query: noQuery,
      pathParams: { id: 'Endpoint id, e.g. wh_a1b2c3d4e5f6' },
      responses: { 200: { description: 'The endpoint, with its new secret shown once', schema: withSecret }, 404: endpointNotFound },
    },
  },
];
