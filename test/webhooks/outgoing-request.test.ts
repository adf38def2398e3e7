import { describe, expect, it } from 'vitest';
import { standardSignature } from '../../sdk/signature.js';
import type { Webhook } from '../../src/webhooks/admin/webhook-store.js';
import { buildRequest, USER_AGENT } from '../../src/webhooks/transport/outgoing-request.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const hook = (over: Partial<Webhook> = {}): Webhook =>
  ({ url: 'https://example.com/hook', format: 'standard', headers: {}, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', previousSecret: null, previousSecretExpiresAt: null, ...over }) as Webhook;

describe('buildRequest', () => {
  it('sends custom headers first and the signed webhook-* headers last; the log copy redacts only the custom values', () => {
    const req = buildRequest(hook({ headers: { Authorization: 'Bearer t', 'X-Team': 'a' } }), 'msg_1', '{"a":1}', NOW);
    expect(Object.keys(req.headers)).toEqual(['Authorization', 'X-Team', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type']);
    expect(req.headers).toMatchObject({ Authorization: 'Bearer t', 'X-Team': 'a', 'user-agent': USER_AGENT, 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW / 1000) });
    expect(req.headers['webhook-signature']).toBe(standardSignature(hook().secret, 'msg_1', NOW / 1000, '{"a":1}'));
    expect(req.loggedHeaders).toEqual({ ...req.headers, Authorization: '<redacted>', 'X-Team': '<redacted>' });
    expect(req).toMatchObject({ url: 'https://example.com/hook', body: '{"a":1}' });
  });

  it('signs with both secrets during a rotation overlap', () => {
    const req = buildRequest(hook({ previousSecret: 'whsec_b2xkb2xkb2xkb2xkb2xkb2xkb2xk', previousSecretExpiresAt: NOW + 1 }), 'msg_2', 'x', NOW);
    expect(req.headers['webhook-signature']!.split(' ')).toHaveLength(2);
  });

  it("a format's headers override labelhook's user-agent but never the signature headers", () => {
    const req = buildRequest(hook({ format: 'datasaur' }), 'msg_3', '{}', NOW);
    expect(Object.keys(req.headers).slice(0, 4)).toEqual(['user-agent', 'accept', 'accept-encoding', 'x-datasaur-signature']);
    expect(req.headers['user-agent']).toBe('Datasaur');
    expect(req.loggedHeaders).toEqual(req.headers);
    expect(req.headers['webhook-signature']).toMatch(/^v1,/);
  });
});
