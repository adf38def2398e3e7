import { VERSION } from '../../version.js';
import { getFormat } from '../formats/registry.js';
import { signStandard } from './sign-standard.js';
import { signingSecrets, type Webhook } from '../admin/webhook-store.js';
import { REDACTED } from '../admin/webhook-views.js';

/** One request to a receiver: what goes on the wire, and what the delivery log may keep of it. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The headers as the attempt log stores them: custom header values (credentials) redacted. */
  loggedHeaders: Record<string, string>;
}

/** The user-agent of every webhook request. */
export const USER_AGENT = `labelhook/${VERSION}`;

/**
 * Builds the signed request of one attempt. `messageId` is the delivery's stable `webhook-id`; the signature is
 * computed with the very timestamp that is sent (a different one breaks verification: Argilla shipped this bug).
 */
export function buildRequest(webhook: Webhook, messageId: string, body: string, now: number): OutgoingRequest {
  const timestamp = Math.floor(now / 1000);
  const signature = signStandard({ msgId: messageId, timestamp, body, secrets: signingSecrets(webhook, now) });
  // Order: custom headers first, then labelhook's user-agent, the format's headers (a dialect may name its platform's
  // user-agent and accept headers), then the webhook-* ones, so neither a user nor a format can shadow a signature
  // header (validation refuses such names anyway). Both objects are filled in place: spreading copies cost more
  // than the signature on every attempt.
  const headers: Record<string, string> = {};
  const loggedHeaders: Record<string, string> = {};
  const custom = webhook.headers;
  for (const name of Object.keys(custom)) {
    headers[name] = custom[name]!;
    loggedHeaders[name] = REDACTED;
  }
  const seconds = String(timestamp);
  const formatHeaders = getFormat(webhook.format).headers(body, webhook.secret);
  for (const h of [headers, loggedHeaders]) {
    h['user-agent'] = USER_AGENT;
    for (const name of Object.keys(formatHeaders)) h[name] = formatHeaders[name]!;
    h['webhook-id'] = messageId;
    h['webhook-timestamp'] = seconds;
    h['webhook-signature'] = signature;
    h['content-type'] = 'application/json';
  }
  return { url: webhook.url, headers, body, loggedHeaders };
}
