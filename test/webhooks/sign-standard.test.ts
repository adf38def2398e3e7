import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, signStandard } from '../../src/webhooks/transport/sign-standard.js';

const body = '{"type":"PING","timestamp":"2024-01-01T00:00:00.000Z","data":{"id":"evt_1"}}';
const msgId = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const timestamp = 1_700_000_000;

describe('signStandard', () => {
  it('matches the official standardwebhooks library for a whsec_ secret', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const ours = signStandard({ msgId, timestamp, body, secrets: [secret] });
    expect(ours).toBe(new Webhook(secret).sign(msgId, new Date(timestamp * 1000), body));
  });

  it('uses the raw UTF-8 bytes of a secret without the whsec_ prefix', () => {
    const secret = 'my-datasaur-style-secret';
    const ours = signStandard({ msgId, timestamp, body, secrets: [secret] });
    expect(ours).toBe(new Webhook(secret, { format: 'raw' }).sign(msgId, new Date(timestamp * 1000), body));
  });

  it('sends one space-separated signature per secret during a rotation, each verifiable alone', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const now = Math.floor(Date.now() / 1000);
    const header = signStandard({ msgId, timestamp: now, body, secrets: [newSecret, oldSecret] });
    expect(header.split(' ')).toHaveLength(2);
    expect(header).toMatch(/^v1,[A-Za-z0-9+/]+=* v1,[A-Za-z0-9+/]+=*$/);
    const headers = { 'webhook-id': msgId, 'webhook-timestamp': String(now), 'webhook-signature': header };
    for (const secret of [oldSecret, newSecret]) expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('a non-ASCII body is signed over its UTF-8 bytes', () => {
    const secret = generateSecret();
    const unicode = '{"name":"Übersetzung – 東京"}';
    expect(signStandard({ msgId, timestamp, body: unicode, secrets: [secret] })).toBe(new Webhook(secret).sign(msgId, new Date(timestamp * 1000), unicode));
  });
});

describe('generateSecret', () => {
  it('returns whsec_ + base64 of 32 random bytes, different every time', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });
});
