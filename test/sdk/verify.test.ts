import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError, verifyWebhook } from '../../sdk/index.js';
import { signDatasaur } from '../../src/webhooks/transport/sign-datasaur.js';
import { generateSecret, signStandard } from '../../src/webhooks/transport/sign-standard.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = '{"type":"PING","timestamp":"2024-01-01T00:00:00.000Z","data":{"id":"evt_1","message":"héllo"}}';
const msgId = 'msg_01';
const nowMs = 1_700_000_000_000;
const ts = nowMs / 1000;

function signed(opts: { secrets?: string[]; timestamp?: number; payload?: string } = {}): Record<string, string> {
  const timestamp = opts.timestamp ?? ts;
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandard({ msgId, timestamp, body: opts.payload ?? body, secrets: opts.secrets ?? [secret] }),
  };
}

/** The reason verifyWebhook fails with, or 'ok'. */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.reason;
    throw err;
  }
}

describe('verifyWebhook (standard headers)', () => {
  it('a valid request returns the parsed body', () => {
    expect(verifyWebhook({ format: 'standard', body, headers: signed(), secret, now: nowMs })).toEqual(JSON.parse(body));
  });

  it('accepts the body as a Buffer and the headers as a Fetch Headers object with any casing', () => {
    const headers = new Headers(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook({ format: 'standard', body: Buffer.from(body), headers, secret, now: nowMs })).toEqual(JSON.parse(body));
  });

  it('a tampered body fails with bad_signature', () => {
    expect(outcome(() => verifyWebhook({ format: 'standard', body: body.replace('evt_1', 'evt_2'), headers: signed(), secret, now: nowMs }))).toBe('bad_signature');
  });

  it('tampered headers fail: another message id, another timestamp, a forged signature', () => {
    const tamper = (patch: Record<string, string>) => outcome(() => verifyWebhook({ format: 'standard', body, headers: { ...signed(), ...patch }, secret, now: nowMs }));
    expect(tamper({ 'webhook-id': 'msg_02' })).toBe('bad_signature');
    expect(tamper({ 'webhook-timestamp': String(ts + 1) })).toBe('bad_signature');
    expect(tamper({ 'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64') })).toBe('bad_signature');
    expect(tamper({ 'webhook-signature': 'v2,' + signed()['webhook-signature']!.slice(3) })).toBe('bad_signature');
  });

  it('a timestamp outside the tolerance fails with timestamp_expired, inside it passes', () => {
    const headers = signed();
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers, secret, now: nowMs + 301_000 }))).toBe('timestamp_expired');
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers, secret, now: nowMs - 301_000 }))).toBe('timestamp_expired');
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers, secret, now: nowMs + 299_000 }))).toBe('ok');
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers, secret, now: nowMs + 20_000, toleranceSeconds: 10 }))).toBe('timestamp_expired');
  });

  it('missing headers fail with missing_header, a non-numeric timestamp or non-JSON body with malformed', () => {
    const { 'webhook-signature': _sig, ...noSignature } = signed();
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers: noSignature, secret, now: nowMs }))).toBe('missing_header');
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers: {}, secret, now: nowMs }))).toBe('missing_header');
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers: { ...signed(), 'webhook-timestamp': 'soon' }, secret, now: nowMs }))).toBe('malformed');
    const notJson = 'not json';
    expect(outcome(() => verifyWebhook({ format: 'standard', body: notJson, headers: signed({ payload: notJson }), secret, now: nowMs }))).toBe('malformed');
  });

  it('during a rotation two signatures arrive and either the old or the new secret verifies', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const headers = signed({ secrets: [newSecret, oldSecret] });
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers, secret: oldSecret, now: nowMs }))).toBe('ok');
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers, secret: newSecret, now: nowMs }))).toBe('ok');
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers, secret: generateSecret(), now: nowMs }))).toBe('bad_signature');
  });

  it('a receiver can hold several secrets: a request signed with any of them verifies', () => {
    const [a, b] = [generateSecret(), generateSecret()];
    expect(outcome(() => verifyWebhook({ format: 'standard', body, headers: signed({ secrets: [b] }), secret: [a, b], now: nowMs }))).toBe('ok');
  });

  it('label-studio and labelator requests verify through their webhook-* headers', () => {
    for (const format of ['label-studio', 'labelator'] as const) {
      expect(outcome(() => verifyWebhook({ format, body, headers: signed(), secret, now: nowMs }))).toBe('ok');
      expect(outcome(() => verifyWebhook({ format, body, headers: {}, secret, now: nowMs }))).toBe('missing_header');
    }
  });

  it('refuses to run without a secret rather than accepting everything', () => {
    expect(() => verifyWebhook({ format: 'standard', body, headers: signed(), secret: [], now: nowMs })).toThrow(TypeError);
    expect(() => verifyWebhook({ format: 'standard', body, headers: signed(), secret: '', now: nowMs })).toThrow(TypeError);
  });
});

describe('verifyWebhook (datasaur)', () => {
  const dsBody = '{"eventType":"PROJECT_CREATED","data":{"timestamp":"2023-11-17T09:02:45.258Z"}}';

  it('verifies x-datasaur-signature alone, with no timestamp', () => {
    const headers = { 'x-datasaur-signature': signDatasaur('secret', dsBody) };
    expect(verifyWebhook({ format: 'datasaur', body: dsBody, headers, secret: 'secret' })).toEqual(JSON.parse(dsBody));
  });

  it('a tampered body or a wrong secret fails with bad_signature', () => {
    const headers = { 'x-datasaur-signature': signDatasaur('secret', dsBody) };
    expect(outcome(() => verifyWebhook({ format: 'datasaur', body: dsBody.replace('09:02', '09:03'), headers, secret: 'secret' }))).toBe('bad_signature');
    expect(outcome(() => verifyWebhook({ format: 'datasaur', body: dsBody, headers, secret: 'other' }))).toBe('bad_signature');
  });

  it('also accepts the webhook-* headers labelhook sends with every format', () => {
    const headers = signed({ payload: dsBody });
    expect(outcome(() => verifyWebhook({ format: 'datasaur', body: dsBody, headers, secret, now: nowMs }))).toBe('ok');
    expect(outcome(() => verifyWebhook({ format: 'datasaur', body: dsBody, headers: {}, secret, now: nowMs }))).toBe('missing_header');
  });

  it('accepts a rotated secret list', () => {
    const headers = { 'x-datasaur-signature': signDatasaur('old', dsBody) };
    expect(outcome(() => verifyWebhook({ format: 'datasaur', body: dsBody, headers, secret: ['new', 'old'] }))).toBe('ok');
  });
});

describe('interoperability with the official libraries', () => {
  it('standardwebhooks signs, verifyWebhook verifies', () => {
    const wh = new StandardWebhook(secret);
    const now = new Date();
    const headers = { 'webhook-id': msgId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': wh.sign(msgId, now, body) };
    expect(verifyWebhook({ format: 'standard', body, headers, secret, now: now.getTime() })).toEqual(JSON.parse(body));
  });

  it('labelhook signs, standardwebhooks and svix verify (unbranded and svix-* headers)', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signed({ timestamp });
    expect(new StandardWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new SvixWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    const svixHeaders = { 'svix-id': headers['webhook-id']!, 'svix-timestamp': headers['webhook-timestamp']!, 'svix-signature': headers['webhook-signature']! };
    expect(new SvixWebhook(secret).verify(body, svixHeaders)).toEqual(JSON.parse(body));
  });

  it('svix signs with svix-* headers, verifyWebhook verifies them', () => {
    const wh = new SvixWebhook(secret);
    const now = new Date();
    const headers = { 'svix-id': msgId, 'svix-timestamp': String(Math.floor(now.getTime() / 1000)), 'svix-signature': wh.sign(msgId, now, body) };
    expect(verifyWebhook({ format: 'standard', body, headers, secret, now: now.getTime() })).toEqual(JSON.parse(body));
  });

  it('both libraries accept a rotation header signed with two secrets', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const headers = signed({ secrets: [newSecret, oldSecret], timestamp: Math.floor(Date.now() / 1000) });
    for (const s of [oldSecret, newSecret]) {
      expect(new StandardWebhook(s).verify(body, headers)).toEqual(JSON.parse(body));
      expect(new SvixWebhook(s).verify(body, headers)).toEqual(JSON.parse(body));
    }
  });
});
