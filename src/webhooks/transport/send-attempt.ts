import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import type { Clock } from '../../clock.js';
import { classifyOutcome, errorCodeOf, type DeliveryOutcome } from '../delivery/outcome.js';
import type { OutgoingRequest } from './outgoing-request.js';
import { readCappedBody } from './read-capped.js';
import { parseRetryAfter } from '../delivery/retry-after.js';

/** Everything one attempt produced: what the delivery log records and what decides the delivery's next step. */
export interface SentAttempt {
  at: number;
  durationMs: number;
  request: OutgoingRequest;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  /** A readable error (`connection_refused: connect ECONNREFUSED 127.0.0.1:9`), null when the receiver answered cleanly. */
  error: string | null;
  outcome: DeliveryOutcome;
}

export interface SendOptions {
  /** The whole request, connect to last body byte. */
  timeoutMs: number;
  bodyCapBytes: number;
  /** Longest `Retry-After` honoured. */
  retryAfterCapMs: number;
  clock: Clock;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function describe(err: unknown, code: string | undefined, outcome: DeliveryOutcome): string {
  const reason = outcome.kind === 'retry' || outcome.kind === 'blocked' ? outcome.reason : code ?? 'error';
  const message = err instanceof Error ? err.message : String(err);
  return `${reason}: ${message}`.slice(0, 1000);
}

/**
 * Sends one POST through the guarded dispatcher and never throws: redirects are not followed (undici's request
 * does not), the response body is read up to the cap, and the outcome is classified by status or error code.
 */
export async function sendAttempt(dispatcher: Dispatcher, req: OutgoingRequest, options: SendOptions): Promise<SentAttempt> {
  const at = options.clock();
  const started = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  const done = (rest: Omit<SentAttempt, 'at' | 'durationMs' | 'request'>): SentAttempt => ({
    at,
    durationMs: Math.round(performance.now() - started),
    request: req,
    ...rest,
  });
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher,
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  } catch (err) {
    // An aborted signal means our own whole-request timeout fired, whatever error undici surfaced for it.
    const code = signal.aborted ? 'TimeoutError' : errorCodeOf(err);
    const outcome = classifyOutcome(code === undefined ? {} : { errorCode: code });
    return done({ responseStatus: null, responseHeaders: null, responseBody: null, error: describe(err, code, outcome), outcome });
  }
  const status = res.statusCode;
  const responseHeaders = flattenHeaders(res.headers);
  let responseBody: string | null = null;
  let error: string | null = null;
  try {
    const body = await readCappedBody(res.body, options.bodyCapBytes);
    responseBody = body.text;
  } catch (err) {
    // The receiver answered (the status counts), but its body broke off or dripped past the timeout.
    const code = signal.aborted ? 'TimeoutError' : errorCodeOf(err) ?? 'body_error';
    error = `response body unreadable (${code}): ${err instanceof Error ? err.message : String(err)}`.slice(0, 1000);
    res.body.destroy();
  }
  const retryAfter = responseHeaders['retry-after'];
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter, options.clock(), options.retryAfterCapMs) : null;
  const outcome = classifyOutcome({ status, retryAfterMs });
  return done({ responseStatus: status, responseHeaders, responseBody, error, outcome });
}
