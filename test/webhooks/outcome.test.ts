import { describe, expect, it } from 'vitest';
import { SsrfBlockedError } from '../../src/errors.js';
import { classifyOutcome, decideAttempt, errorCodeOf, type DeliveryOutcome } from '../../src/webhooks/delivery/outcome.js';

describe('classifyOutcome by status', () => {
  it.each([200, 201, 202, 204, 299])('%i is a success', (status) => {
    expect(classifyOutcome({ status })).toEqual({ kind: 'ok' });
  });

  it('410 Gone disables the webhook', () => {
    expect(classifyOutcome({ status: 410 })).toEqual({ kind: 'gone' });
  });

  it.each<[number, number | null | undefined, DeliveryOutcome]>([
    [429, 30_000, { kind: 'retry', reason: 'rate_limited', retryAfterMs: 30_000 }],
    [503, 0, { kind: 'retry', reason: 'service_unavailable', retryAfterMs: 0 }],
    [429, null, { kind: 'retry', reason: 'rate_limited' }],
    [503, undefined, { kind: 'retry', reason: 'service_unavailable' }],
  ])('%i honours Retry-After (%j ms)', (status, retryAfterMs, expected) => {
    expect(classifyOutcome({ status, retryAfterMs })).toEqual(expected);
  });

  it('only 429 and 503 carry Retry-After', () => {
    expect(classifyOutcome({ status: 500, retryAfterMs: 30_000 })).toEqual({ kind: 'retry', reason: 'http_500' });
  });

  it.each([301, 302, 303, 307, 308])('a %i redirect is a failure, never followed', (status) => {
    expect(classifyOutcome({ status })).toEqual({ kind: 'retry', reason: 'redirect_not_followed' });
  });

  it.each([400, 401, 403, 404, 409, 413, 422, 500, 502, 504, 100])('%i is retried (owners fix misconfigurations)', (status) => {
    expect(classifyOutcome({ status })).toEqual({ kind: 'retry', reason: `http_${status}` });
  });

  it('a status wins over an error raised while reading the body afterwards', () => {
    expect(classifyOutcome({ status: 200, errorCode: 'UND_ERR_BODY_TIMEOUT' })).toEqual({ kind: 'ok' });
  });
});

describe('classifyOutcome by error code', () => {
  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'connect_timeout'],
    ['ETIMEDOUT', 'connect_timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['TimeoutError', 'timeout'],
    ['UND_ERR_ABORTED', 'aborted'],
    ['UND_ERR_SOCKET', 'connection_closed'],
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['EPIPE', 'connection_reset'],
    ['ENOTFOUND', 'host_not_found'],
    ['EAI_AGAIN', 'dns_temporary_failure'],
    ['EHOSTUNREACH', 'host_unreachable'],
    ['ENETUNREACH', 'network_unreachable'],
    ['CERT_HAS_EXPIRED', 'tls_certificate_invalid'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls_certificate_invalid'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_certificate_invalid'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls_error'],
    ['HPE_INVALID_CONSTANT', 'invalid_response'],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'invalid_response'],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'response_too_large'],
    ['ESOMETHINGNEW', 'network_error (ESOMETHINGNEW)'],
  ])('%s is retried as %s', (errorCode, reason) => {
    expect(classifyOutcome({ errorCode })).toEqual({ kind: 'retry', reason });
  });

  it('a target refused by the SSRF guard is blocked, not a plain network error', () => {
    expect(classifyOutcome({ errorCode: 'LABELHOOK_SSRF_BLOCKED' })).toEqual({ kind: 'blocked', reason: 'target_not_allowed' });
  });

  it('no status and no code is still a retry', () => {
    expect(classifyOutcome({})).toEqual({ kind: 'retry', reason: 'unknown_error' });
  });
});

describe('errorCodeOf', () => {
  it('reads the code of the error itself', () => {
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(errorCodeOf(new SsrfBlockedError('refused'))).toBe('LABELHOOK_SSRF_BLOCKED');
  });

  it('finds the code in a cause (fetch wraps errors in "fetch failed")', () => {
    const err = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) });
    expect(errorCodeOf(err)).toBe('UND_ERR_CONNECT_TIMEOUT');
  });

  it('finds the code inside an AggregateError (every address of a host failed)', () => {
    const err = new AggregateError([new Error('no code'), Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]);
    expect(errorCodeOf(err)).toBe('ECONNREFUSED');
  });

  it('names the timeout of AbortSignal.timeout', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    expect(errorCodeOf(signal.reason)).toBe('TimeoutError');
    expect(classifyOutcome({ errorCode: errorCodeOf(signal.reason) })).toEqual({ kind: 'retry', reason: 'timeout' });
  });

  it('answers undefined for values without a code', () => {
    expect(errorCodeOf(new Error('plain'))).toBeUndefined();
    expect(errorCodeOf('a string')).toBeUndefined();
    expect(errorCodeOf(null)).toBeUndefined();
  });
});

describe('decideAttempt: what an attempt means for its delivery, decided once', () => {
  const schedule = [1000, 5000];
  const middle = (): number => 0.5;

  it('ok succeeds and gone fails, whatever is left of the schedule', () => {
    expect(decideAttempt({ kind: 'ok' }, 1, schedule, middle)).toEqual({ final: 'succeeded', retryInMs: null });
    expect(decideAttempt({ kind: 'gone' }, 1, schedule, middle)).toEqual({ final: 'failed', retryInMs: null });
  });

  it('a retry waits for the next step of the schedule, a blocked target too', () => {
    expect(decideAttempt({ kind: 'retry', reason: 'http_500' }, 1, schedule, middle)).toEqual({ final: null, retryInMs: 1000 });
    expect(decideAttempt({ kind: 'blocked', reason: 'target_not_allowed' }, 2, schedule, middle)).toEqual({ final: null, retryInMs: 5000 });
  });

  it('a Retry-After replaces the schedule step', () => {
    expect(decideAttempt({ kind: 'retry', reason: 'rate_limited', retryAfterMs: 3000 }, 1, schedule, middle)).toEqual({ final: null, retryInMs: 3000 });
  });

  it('fails once the schedule is spent, even when the receiver asked to retry later', () => {
    expect(decideAttempt({ kind: 'retry', reason: 'http_500' }, 3, schedule, middle)).toEqual({ final: 'failed', retryInMs: null });
    expect(decideAttempt({ kind: 'retry', reason: 'rate_limited', retryAfterMs: 10 }, 3, schedule, middle)).toEqual({ final: 'failed', retryInMs: null });
    expect(decideAttempt({ kind: 'retry', reason: 'http_500' }, 1, [], middle)).toEqual({ final: 'failed', retryInMs: null });
  });
});
