import { nextRetryDelay } from './retry-schedule.js';

/** What the delivery engine does after one attempt. */
export type DeliveryOutcome =
  | { kind: 'ok' }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'gone' }
  | { kind: 'blocked'; reason: string };

/** What one attempt produced: a response status, or the `code` of the error that prevented one. */
export interface AttemptResult {
  status?: number;
  errorCode?: string;
  /** The parsed `Retry-After` (see parseRetryAfter), honoured on 429 and 503. */
  retryAfterMs?: number | null;
}

// Error codes from undici, Node's sockets, DNS, TLS and AbortSignal, mapped to reasons an endpoint owner
// can read in the delivery log. Codes, never messages: messages change between versions.
const ERROR_REASONS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  ETIMEDOUT: 'connect_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  TimeoutError: 'timeout',
  UND_ERR_ABORTED: 'aborted',
  ABORT_ERR: 'aborted',
  AbortError: 'aborted',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_closed',
  UND_ERR_CLOSED: 'client_closed',
  UND_ERR_DESTROYED: 'client_closed',
  ENOTFOUND: 'host_not_found',
  ENODATA: 'host_not_found',
  EAI_AGAIN: 'dns_temporary_failure',
  EHOSTUNREACH: 'host_unreachable',
  EHOSTDOWN: 'host_unreachable',
  ENETUNREACH: 'network_unreachable',
  ENETDOWN: 'network_unreachable',
  EADDRNOTAVAIL: 'address_not_available',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'invalid_response',
  UND_ERR_HEADERS_OVERFLOW: 'response_headers_too_large',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'response_too_large',
  CERT_HAS_EXPIRED: 'tls_certificate_invalid',
  CERT_NOT_YET_VALID: 'tls_certificate_invalid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls_certificate_invalid',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls_certificate_invalid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls_certificate_invalid',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls_certificate_invalid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls_certificate_invalid',
  EPROTO: 'tls_error',
};

function reasonForError(code: string): string {
  const known = ERROR_REASONS[code];
  if (known !== undefined) return known;
  if (code.startsWith('HPE_')) return 'invalid_response'; // llhttp could not parse what the receiver sent
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return 'tls_error';
  return `network_error (${code})`;
}

/** Classifies one attempt (docs/webhooks.md): 2xx ok, 410 gone, refused target blocked, everything else a retry with a readable reason. */
export function classifyOutcome(result: AttemptResult): DeliveryOutcome {
  const { status, errorCode, retryAfterMs } = result;
  // A status means the receiver answered; an error while reading its body afterwards does not change that.
  if (status !== undefined) {
    if (status >= 200 && status <= 299) return { kind: 'ok' };
    if (status === 410) return { kind: 'gone' };
    if (status === 429 || status === 503) {
      const reason = status === 429 ? 'rate_limited' : 'service_unavailable';
      return retryAfterMs === undefined || retryAfterMs === null || retryAfterMs < 0
        ? { kind: 'retry', reason }
        : { kind: 'retry', reason, retryAfterMs };
    }
    // Following a redirect would let a receiver steer us to an address the SSRF check never saw.
    if (status >= 300 && status <= 399) return { kind: 'retry', reason: 'redirect_not_followed' };
    return { kind: 'retry', reason: `http_${status}` };
  }
  if (errorCode === 'LABELHOOK_SSRF_BLOCKED') return { kind: 'blocked', reason: 'target_not_allowed' };
  if (errorCode === undefined || errorCode === '') return { kind: 'retry', reason: 'unknown_error' };
  return { kind: 'retry', reason: reasonForError(errorCode) };
}

/**
 * The code to classify a thrown delivery error by: its own string `code`, else its cause's (fetch wraps
 * errors), else the first of an AggregateError's (happy eyeballs), else a DOMException's name
 * (`TimeoutError` from AbortSignal.timeout). Undefined when none is found.
 */
export function errorCodeOf(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const { code, cause, errors, name } = err as { code?: unknown; cause?: unknown; errors?: unknown; name?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  const fromCause = errorCodeOf(cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = errorCodeOf(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  if (name === 'TimeoutError' || name === 'AbortError') return name;
  return undefined;
}

/**
 * What an attempt means for its delivery, decided once when the attempt finishes and carried to the results
 * writer, the log and the metrics: `final` is the state it ends in (null: it waits for another attempt in
 * `retryInMs`).
 */
export type AttemptVerdict = { final: 'succeeded' | 'failed'; retryInMs: null } | { final: null; retryInMs: number };

const SUCCEEDED: AttemptVerdict = { final: 'succeeded', retryInMs: null };
const FAILED: AttemptVerdict = { final: 'failed', retryInMs: null };

/**
 * Decides an attempt (docs/webhooks.md): ok succeeds, gone fails, anything else retries after the schedule's next
 * step (with jitter) or the receiver's Retry-After, and fails once the schedule is spent. `attemptsInSchedule`
 * counts this attempt (attempt_count + 1 - schedule_start).
 */
export function decideAttempt(outcome: DeliveryOutcome, attemptsInSchedule: number, scheduleMs: number[], random: () => number): AttemptVerdict {
  if (outcome.kind === 'ok') return SUCCEEDED;
  if (outcome.kind === 'gone') return FAILED;
  const delay = nextRetryDelay({ attemptNo: Math.max(1, attemptsInSchedule), scheduleMs, random });
  if (delay === null) return FAILED;
  const retryAfter = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
  return { final: null, retryInMs: retryAfter ?? delay };
}
