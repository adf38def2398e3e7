import { performance } from 'node:perf_hooks';
import { errors, type Dispatcher } from 'undici';
import type { Clock } from '../../clock.js';
import { classifyOutcome, errorCodeOf, type DeliveryOutcome } from '../delivery/outcome.js';
import { parseRetryAfter } from '../delivery/retry-after.js';
import { AttemptHandler } from './attempt-handler.js';
import type { Fence } from './fence.js';
import type { OutgoingRequest } from './outgoing-request.js';

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

interface Target {
  origin: string;
  path: string;
}

// Webhook URLs repeat for every delivery: parse each once (bounded, since URLs can be edited at will).
const targets = new Map<string, Target>();
const MAX_TARGETS = 1000;

/** The origin and path undici dispatches a URL to, as its request() computes them. */
function targetOf(url: string): Target {
  let target = targets.get(url);
  if (target !== undefined) return target;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new errors.InvalidArgumentError('Invalid URL protocol: the URL must start with `http:` or `https:`.');
  }
  target = { origin: parsed.origin, path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname };
  if (targets.size >= MAX_TARGETS) targets.clear();
  targets.set(url, target);
  return target;
}

function describe(err: unknown, code: string | undefined, outcome: DeliveryOutcome): string {
  const reason = outcome.kind === 'retry' || outcome.kind === 'blocked' ? outcome.reason : code ?? 'error';
  const message = err instanceof Error ? err.message : String(err);
  return `${reason}: ${message}`.slice(0, 1000);
}

/** Dispatches the POST and resolves when the attempt handler settles; never rejects. */
function dispatch(dispatcher: Dispatcher, req: OutgoingRequest, options: SendOptions, fence: Fence | undefined): Promise<AttemptHandler> {
  return new Promise((resolve) => {
    const handler = new AttemptHandler(options.bodyCapBytes, options.timeoutMs, fence, resolve);
    try {
      const { origin, path } = targetOf(req.url);
      dispatcher.dispatch(
        { origin, path, method: 'POST', headers: req.headers, body: req.body, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs },
        handler,
      );
    } catch (err) {
      handler.onError(err as Error);
    }
  });
}

/**
 * Sends one POST through the guarded dispatcher and never throws: redirects are not followed (a plain dispatch does
 * not), the response body is read up to the cap, and the outcome is classified by status or error code. With a
 * `fence`, the request is stopped before its first byte unless `fence.live()` still holds then.
 */
export async function sendAttempt(dispatcher: Dispatcher, req: OutgoingRequest, options: SendOptions, fence?: Fence): Promise<SentAttempt> {
  const at = options.clock();
  const started = performance.now();
  const h = await dispatch(dispatcher, req, options, fence);
  const durationMs = Math.round(performance.now() - started);
  const status = h.status;
  if (status === null) {
    // Our deadline firing decides the code, whatever error undici surfaced for it.
    const code = h.timedOut ? 'TimeoutError' : errorCodeOf(h.error);
    const outcome = classifyOutcome(code === undefined ? {} : { errorCode: code });
    const error = describe(h.error, code, outcome);
    return { at, durationMs, request: req, responseStatus: null, responseHeaders: null, responseBody: null, error, outcome };
  }
  let error: string | null = null;
  if (h.error !== null) {
    // The receiver answered (the status counts), but its body broke off or dripped past the timeout.
    const code = h.timedOut ? 'TimeoutError' : errorCodeOf(h.error) ?? 'body_error';
    error = `response body unreadable (${code}): ${h.error instanceof Error ? h.error.message : String(h.error)}`.slice(0, 1000);
  }
  const responseHeaders = h.headers ?? {};
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(responseHeaders['retry-after'], options.clock(), options.retryAfterCapMs) : null;
  const outcome = classifyOutcome({ status, retryAfterMs });
  return { at, durationMs, request: req, responseStatus: status, responseHeaders, responseBody: h.body, error, outcome };
}
