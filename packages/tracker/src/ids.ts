const VISITOR_KEY = 'clearview_id';

/**
 * A new id: the time in milliseconds (13 digits until 2286), then 3 × 32 random
 * bits as decimal digits. Time first so that ids sort by creation: the
 * collector's indexes on page-view and visitor ids then take a new row near
 * their end, on a page already in memory, instead of on a random page.
 * (Decimal rather than base 36: 10 bytes less of gzip -9, which the budget needed.)
 */
export function newId(): string {
  const time = Date.now();
  try {
    return time + crypto.getRandomValues(new Uint32Array(3)).join('');
  } catch {
    // No Web Crypto: Math.random's digits (or, below 1e-6, text like '1e-7': still [\w-]).
    return time + ('' + Math.random()).slice(2);
  }
}

/**
 * The anonymous visitor id in first-party localStorage, created on the first
 * visit. Undefined where storage is blocked or throws: the collector then
 * derives one per day. Only this script writes the key, so it is not
 * re-validated (22 bytes of gzip saved).
 */
export function visitorId(): string | undefined {
  try {
    let id = localStorage[VISITOR_KEY] as string | undefined;
    if (!id) localStorage[VISITOR_KEY] = id = newId();
    return id;
  } catch {
    // Blocked storage: no visitor id.
  }
}
