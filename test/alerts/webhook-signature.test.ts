import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { testSignal } from '../../packages/collector/src/alerts/outbox-payload.js';
import { webhookBody } from '../../packages/collector/src/alerts/webhook-body.js';
import { signature, signatureHeaders } from '../../packages/collector/src/alerts/webhook-signature.js';
import { newSigningSecret } from '../../packages/collector/src/store/ids.js';

describe('Standard Webhooks signing', () => {
  it('signs id.timestamp.body with HMAC-SHA256 keyed by the base64 part of the secret, as the specification example does', () => {
    // The example of the Standard Webhooks specification.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(signature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('makes headers the independent standardwebhooks verifier accepts, and refuses once the body changes', () => {
    const secret = newSigningSecret();
    const payload = testSignal('5b9e0a52-3f8c-4a8e-9d7e-0c1f2b3a4d5e', 'st_x', Date.now());
    const body = webhookBody(payload);
    const headers = signatureHeaders({ id: payload.id, timestampSeconds: Math.floor(Date.now() / 1000), body, secrets: [secret] });
    expect(headers['webhook-id']).toBe(payload.id);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('test', 'tset'), headers)).toThrow();
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
  });

  it('signs with both secrets during a rotation, so a receiver holding either accepts', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const body = '{"id":"x"}';
    const headers = signatureHeaders({ id: 'x', timestampSeconds: Math.floor(Date.now() / 1000), body, secrets: [current, previous] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual({ id: 'x' });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ id: 'x' });
  });

  it('sends { id, type, createdAt, data } with the signal in data and the site id left out', () => {
    const payload = testSignal('5b9e0a52-3f8c-4a8e-9d7e-0c1f2b3a4d5e', 'st_secret', Date.parse('2026-01-02T03:04:05Z'));
    expect(JSON.parse(webhookBody(payload))).toEqual({
      id: payload.id,
      type: 'webhook.test',
      createdAt: '2026-01-02T03:04:05.000Z',
      data: {
        id: payload.id,
        type: 'webhook.test',
        company: null,
        contact: null,
        summary: payload.summary,
        data: {},
        createdAt: '2026-01-02T03:04:05.000Z',
        completedAt: '2026-01-02T03:04:05.000Z',
      },
    });
  });
});
