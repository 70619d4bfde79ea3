import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signing (standardwebhooks.com): the receiver recomputes
 * HMAC-SHA256 over "id.timestamp.body" with the secret's key bytes and compares.
 */

const secretPrefix = 'whsec_';

/** The key bytes of a whsec_ secret: the base64 after the prefix, as the specification reads it. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64');
}

/** One signature, "v1," and the base64 digest. */
export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * The three headers of one attempt. During a rotation every live secret signs, the
 * signatures space-separated, so a receiver holding either secret accepts it.
 */
export function signatureHeaders(input: { id: string; timestampSeconds: number; body: string; secrets: string[] }): Record<string, string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestampSeconds),
    'webhook-signature': input.secrets.map((secret) => signature(secret, input.id, input.timestampSeconds, input.body)).join(' '),
  };
}
