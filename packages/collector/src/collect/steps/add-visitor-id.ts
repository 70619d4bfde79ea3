import type { NamedStep } from '../pipeline.js';

/**
 * No-storage visitors get an id for the day from a keyed hash of site, IP and
 * user agent; the key changes daily and the old one is deleted (collect/visitor-id.ts).
 */
export function addVisitorId(derive: (siteId: string, ip: string, userAgent: string, now: number) => string): NamedStep {
  return {
    name: 'addVisitorId',
    run(event) {
      event.visitorId = event.wire.visitorId ?? derive(event.site!.id, event.ip, event.userAgent, event.receivedAt);
      return event;
    },
  };
}
