import { noop } from './events.js';
import type { EventFields, EventName } from './wire.js';

let endpoint = '';
let siteKey = '';
let visitor: string | undefined;

export function configureSend(api: string, key: string, visitorId: string | undefined): void {
  endpoint = api;
  siteKey = key;
  visitor = visitorId;
}

/**
 * One event, one JSON object in a string body. A string makes the request
 * text/plain: a "simple" request, so no CORS preflight. sendBeacon survives
 * the page being closed; fetch with keepalive stands in where it is missing,
 * throws or refuses (it returns false when its queue is full).
 */
export function send<Name extends EventName>(name: Name, fields: EventFields[Name]): void {
  // An undefined visitor id (no-storage mode) is left out by JSON.stringify.
  const body = JSON.stringify({ k: siteKey, n: name, v: visitor, ...fields });
  try {
    if (navigator.sendBeacon(endpoint, body)) return;
  } catch {
    // Missing or throwing: fetch below.
  }
  try {
    // A string body is sent as text/plain;charset=UTF-8 by fetch too, so no header is needed.
    // Offline or blocked: analytics are best effort, and must not reach the page's error handlers.
    fetch(endpoint, { method: 'POST', body, keepalive: true }).catch(noop);
  } catch {
    // No way to send: the caller (a page view, say) must still go on.
  }
}
