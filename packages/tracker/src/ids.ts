const VISITOR_KEY = 'clearview_id';

/** A random id: 3 × 32 random bits as decimal digits, about 29 of them. */
export function newId(): string {
  try {
    return crypto.getRandomValues(new Uint32Array(3)).join('');
  } catch {
    // No Web Crypto: Math.random's digits (or, below 1e-6, text like '1e-7': still [\w-]),
    // then the time, so never under 8 characters.
    return ('' + Math.random()).slice(2) + Date.now();
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
    let id: string | undefined = localStorage[VISITOR_KEY];
    if (!id) localStorage[VISITOR_KEY] = id = newId();
    return id;
  } catch {
    // Blocked storage: no visitor id.
  }
}
