import type { Signal } from './signal.js';

/**
 * What a delivery row carries and every channel renders: a signal as it was stored, or
 * the test signal POST /api/v1/webhooks/{id}/test sends (which has no row in the feed).
 */
export type TestSignal = Omit<Signal, 'type'> & { type: 'webhook.test' };
export type OutboxPayload = Signal | TestSignal;

/** A signal that lets a receiver check its endpoint and its signature check, with no company behind it. */
export function testSignal(id: string, siteId: string, nowMs: number): TestSignal {
  const at = new Date(nowMs).toISOString();
  return {
    id,
    siteId,
    type: 'webhook.test',
    company: null,
    contact: null,
    summary: 'A test delivery from ClearView: your endpoint is reachable and can check signatures.',
    data: {},
    createdAt: at,
    completedAt: at,
  };
}
