import { createHash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn a pool at a time: a getrandom call per id cost more than
// the rest of writing a session row. The pool is consumed once, never reused.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** A random base62 string; 62^n with rejection sampling so every character is uniform. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    // 248 = 4 * 62: bytes above it would bias the first characters of the alphabet.
    if (byte < 248) out += alphabet[byte % 62];
  }
  return out;
}

export const newSiteId = () => `st_${randomBase62(12)}`;
export const newSiteKey = () => `site_${randomBase62(24)}`;
// 32 base62 characters carry about 190 bits: well past the 128 the key must have.
export const newApiKey = () => `cv_live_${randomBase62(32)}`;
export const newApiKeyId = () => `key_${randomBase62(12)}`;
export const newWebhookSecret = () => `whsec_${randomBase62(32)}`;
export const newWebhookEndpointId = () => `wh_${randomBase62(12)}`;
export const newDeliveryId = () => `dlv_${randomBase62(16)}`;
// Standard Webhooks secrets: whsec_ and base64 key bytes; 32 bytes match SHA-256's block strength.
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
export const newCompanyId = () => `comp_${randomBase62(12)}`;
export const newContactId = () => `ct_${randomBase62(12)}`;
// A session id tells one visitor's visits apart; 8 characters (47 bits) also keep a site's
// apart in practice, and it is stored with every page view.
export const newSessionId = () => randomBase62(8);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
