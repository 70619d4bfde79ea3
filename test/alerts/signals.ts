import { randomUUID } from 'node:crypto';
import type { Signal } from '../../packages/collector/src/alerts/signal.js';

/** A watch-list hit as part A's feed stores it, with pages whose titles came from beacons. */
export function watchlistHit(siteId: string, overrides: Partial<Signal> = {}, now = Date.now()): Signal {
  const at = new Date(now).toISOString();
  return {
    id: randomUUID(),
    siteId,
    type: 'watchlist.hit',
    company: { id: 'comp_acme12345678', name: 'Acme Corp', domain: 'acme.com', leadScore: 72 },
    contact: null,
    summary: 'Acme Corp (acme.com), on your watch list, is on your site.',
    data: {
      pages: [
        { url: 'https://example.com/pricing', title: 'Pricing', at },
        { url: 'https://example.com/docs', title: null, at },
      ],
      notes: 'Renewal in Q3',
    },
    createdAt: at,
    completedAt: null,
    ...overrides,
  };
}
