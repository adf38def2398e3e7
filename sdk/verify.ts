import { timingSafeEqual } from 'node:crypto';
import { datasaurSignature, standardSignature } from './signature.js';
import type { WebhookBodyByFormat, WebhookFormatName } from './types.js';
import { WebhookVerificationError } from './verification-error.js';

/** Request headers as Node (`req.headers`), Express, Fastify or the Fetch API (`Headers`) hand them over. */
export type IncomingHeaders = Record<string, string | string[] | undefined> | Headers;

export interface VerifyWebhookOptions<F extends WebhookFormatName> {
  format: F;
  /** The raw request body exactly as received: re-serialised JSON will not verify. */
  body: string | Uint8Array;
  headers: IncomingHeaders;
  /** The webhook's secret; during a rotation pass both, old and new. */
  secret: string | readonly string[];
  /** How far `webhook-timestamp` may be from now, either way (default 300). */
  toleranceSeconds?: number;
  /** Current time in epoch milliseconds (default `Date.now()`). */
  now?: number;
}

/** Verifies a labelhook webhook request and returns its parsed body; throws `WebhookVerificationError` otherwise. */
export function verifyWebhook<F extends WebhookFormatName>(options: VerifyWebhookOptions<F>): WebhookBodyByFormat[F] {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new TypeError('verifyWebhook needs at least one non-empty secret.');
  }
  const headers = headerReader(options.headers);
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;

  // Datasaur receivers check x-datasaur-signature; labelhook also sends webhook-* headers, so either proves the body.
  const datasaurHeader = options.format === 'datasaur' ? headers('x-datasaur-signature') : undefined;
  const datasaurOk = datasaurHeader !== undefined && secrets.some((s) => safeEqual(datasaurHeader.trim().toLowerCase(), datasaurSignature(s, body)));
  if (!datasaurOk) {
    if (datasaurHeader !== undefined && headers('webhook-signature') === undefined && headers('svix-signature') === undefined) {
      throw new WebhookVerificationError('bad_signature', 'x-datasaur-signature does not match the body and secret.');
    }
    verifyStandard(headers, body, secrets, options.toleranceSeconds ?? 300, options.now ?? Date.now());
  }
  return parseBody(body) as WebhookBodyByFormat[F];
}

function verifyStandard(headers: HeaderReader, body: Uint8Array, secrets: string[], toleranceSeconds: number, nowMs: number): void {
  // svix-* are the same headers under Svix's brand; accept them so Svix-style receivers keep working.
  const msgId = headers('webhook-id') ?? headers('svix-id');
  const timestampHeader = headers('webhook-timestamp') ?? headers('svix-timestamp');
  const signatureHeader = headers('webhook-signature') ?? headers('svix-signature');
  if (msgId === undefined || timestampHeader === undefined || signatureHeader === undefined) {
    throw new WebhookVerificationError('missing_header', 'The webhook-id, webhook-timestamp and webhook-signature headers are required.');
  }
  if (!/^\d{1,15}$/.test(timestampHeader.trim())) {
    throw new WebhookVerificationError('malformed', 'webhook-timestamp is not a unix time in seconds.');
  }
  const timestamp = Number(timestampHeader.trim());
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_expired', `webhook-timestamp is more than ${toleranceSeconds}s away from now.`);
  }
  // Several space-separated signatures arrive during a secret rotation; one match is enough.
  const passed = signatureHeader
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
  for (const secret of secrets) {
    const expected = standardSignature(secret, msgId, timestamp, body).slice(3);
    if (passed.some((sig) => safeEqual(sig, expected))) return;
  }
  throw new WebhookVerificationError('bad_signature', 'No signature in webhook-signature matches the body and secret.');
}

function parseBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    throw new WebhookVerificationError('malformed', 'The body is not valid JSON.');
  }
}

/** Constant-time string comparison: an early exit would leak how much of a forged signature was right. */
function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

type HeaderReader = (name: string) => string | undefined;

function headerReader(headers: IncomingHeaders): HeaderReader {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function') {
    const h = headers as Headers;
    return (name) => h.get(name) ?? undefined;
  }
  const lower = new Map<string, string>();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value === undefined) continue;
    // A repeated header arrives as an array in Node; its values form one space-separated list here.
    lower.set(key.toLowerCase(), Array.isArray(value) ? value.join(' ') : value);
  }
  return (name) => lower.get(name);
}
