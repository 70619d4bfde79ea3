import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../packages/collector/src/store/db.js';
import { enqueueDeliveries, listDueDeliveries, setEmailAvailable } from '../../packages/collector/src/store/deliveries.js';
import { updateSite } from '../../packages/collector/src/store/site-settings.js';
import { createSite } from '../../packages/collector/src/store/sites.js';
import { createWebhookEndpoint, updateWebhookEndpoint } from '../../packages/collector/src/store/webhook-endpoints.js';
import { watchlistHit } from './signals.js';

function setup() {
  const db = openDatabase(':memory:');
  const { site } = createSite(db, { name: 'A', domains: ['a.example'] });
  const other = createSite(db, { name: 'B', domains: ['b.example'] }).site;
  const endpoint = (siteId: string, events: string[], enabled = true) =>
    createWebhookEndpoint(db, { siteId, url: 'https://hooks.example.com/x', description: '', events, enabled }, 0).endpoint.id;
  const destinations = (signalId: string) =>
    (db.prepare('SELECT destination, channel, status, next_attempt_at FROM deliveries WHERE signal_id = ? ORDER BY channel, destination').all(signalId) as any[]).map(
      (r) => `${r.channel}:${r.destination}`,
    );
  return { db, site, other, endpoint, destinations };
}

describe('the outbox', () => {
  it('writes one delivery per enabled endpoint of the signal site subscribed to its type or to "*"', () => {
    const { db, site, other, endpoint, destinations } = setup();
    const all = endpoint(site.id, ['*']);
    const hits = endpoint(site.id, ['watchlist.hit']);
    endpoint(site.id, ['lead.hot']);
    endpoint(site.id, ['*'], false);
    endpoint(other.id, ['*']);
    const signal = watchlistHit(site.id);
    enqueueDeliveries(db, signal);
    expect(destinations(signal.id)).toEqual([`webhook:${all}`, `webhook:${hits}`].sort());
    const due = db.prepare('SELECT DISTINCT next_attempt_at AS at, payload FROM deliveries WHERE signal_id = ?').all(signal.id) as any[];
    expect(due).toEqual([{ at: Date.parse(signal.createdAt), payload: JSON.stringify(signal) }]);
  });

  it('adds nothing when called again for the same signal', () => {
    const { db, site, endpoint, destinations } = setup();
    endpoint(site.id, ['*']);
    const signal = watchlistHit(site.id);
    enqueueDeliveries(db, signal);
    enqueueDeliveries(db, signal);
    expect(destinations(signal.id)).toHaveLength(1);
  });

  it('sends Slack and email the watch-list hits and hot leads by default, and the types their settings name', () => {
    const { db, site, destinations } = setup();
    updateSite(db, site.id, { settings: { alerts: { slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X' }, email: { recipients: ['sales@example.com'] } } } });
    setEmailAvailable(db, true);
    const hit = watchlistHit(site.id);
    const identified = watchlistHit(site.id, { type: 'company.identified' });
    enqueueDeliveries(db, hit);
    enqueueDeliveries(db, identified);
    expect(destinations(hit.id)).toEqual(['email:email', 'slack:slack']);
    expect(destinations(identified.id)).toEqual([]);

    updateSite(db, site.id, {
      settings: {
        alerts: {
          slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X', events: ['company.identified'] },
          email: { recipients: ['sales@example.com'], events: [] },
        },
      },
    });
    const later = watchlistHit(site.id, { type: 'company.identified' });
    const laterHit = watchlistHit(site.id);
    enqueueDeliveries(db, later);
    enqueueDeliveries(db, laterHit);
    expect(destinations(later.id)).toEqual(['slack:slack']);
    expect(destinations(laterHit.id)).toEqual([]);
  });

  it('writes no email delivery without SMTP, or without recipients', () => {
    const { db, site, destinations } = setup();
    updateSite(db, site.id, { settings: { alerts: { email: { recipients: ['sales@example.com'] } } } });
    const noSmtp = watchlistHit(site.id);
    enqueueDeliveries(db, noSmtp);
    expect(destinations(noSmtp.id)).toEqual([]);
    setEmailAvailable(db, true);
    updateSite(db, site.id, { settings: { alerts: { email: { recipients: [] } } } });
    const noRecipients = watchlistHit(site.id);
    enqueueDeliveries(db, noRecipients);
    expect(destinations(noRecipients.id)).toEqual([]);
  });

  it('writes nothing when the transaction that stores the signal rolls back', () => {
    const { db, site, endpoint, destinations } = setup();
    endpoint(site.id, ['*']);
    const signal = watchlistHit(site.id);
    expect(() =>
      db.transaction(() => {
        enqueueDeliveries(db, signal);
        throw new Error('the signal could not be stored');
      })(),
    ).toThrow('could not be stored');
    expect(destinations(signal.id)).toEqual([]);
  });

  it("takes a turned-off endpoint's pending deliveries out of the due list, and makes them due again when it is turned on", () => {
    const { db, site, endpoint } = setup();
    const id = endpoint(site.id, ['*']);
    const signals = Array.from({ length: 3 }, () => watchlistHit(site.id));
    for (const signal of signals) enqueueDeliveries(db, signal);
    const later = Date.parse(signals[0]!.createdAt) + 3_600_000;
    const due = () => listDueDeliveries(db, later, 4, 100).map((d) => d.id);
    expect(due()).toHaveLength(3);
    updateWebhookEndpoint(db, site.id, id, { enabled: false }, later);
    expect(due()).toEqual([]);
    // Out of the due index, not only filtered out of the answer: the job's query never reads them.
    expect(db.prepare("SELECT COUNT(*) FROM deliveries WHERE next_attempt_at IS NOT NULL AND status = 'pending'").pluck().get()).toBe(0);
    updateWebhookEndpoint(db, site.id, id, { enabled: true }, later + 60_000);
    expect(listDueDeliveries(db, later + 60_000, 4, 100)).toHaveLength(3);
  });
});
