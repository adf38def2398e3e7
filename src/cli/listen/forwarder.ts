import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import type { StoredEvent } from '../../events/event.js';
import type { WebhookFormatName } from '../../webhooks/formats/format.js';
import { getFormat } from '../../webhooks/formats/registry.js';
import { signStandard } from '../../webhooks/transport/sign-standard.js';
import { VERSION } from '../../version.js';

/** One request as a labelhook webhook of the chosen format would send it. */
export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * The signed request(s) a webhook of `format` would receive for `event`: the format's body and headers plus the
 * Standard Webhooks `webhook-*` headers, signed with the session secret. Formats that batch (labelator) split large
 * events into requests of at most their batch size; an event the format does not carry gives no request.
 */
export function buildSignedRequests(event: StoredEvent, format: WebhookFormatName, secret: string, nowMs: number): SignedRequest[] {
  const f = getFormat(format);
  const records = f.records(event, { sendPayload: true });
  const batched = f.defaultBatch !== undefined;
  const size = f.defaultBatch?.maxSize ?? 1;
  const timestamp = Math.floor(nowMs / 1000);
  const requests: SignedRequest[] = [];
  for (let i = 0; i < records.length; i += size) {
    const body = f.render(records.slice(i, i + size), event.type, batched);
    // One message id per request, stable for the event, so a receiver de-duplicating on webhook-id sees a resend as one.
    const msgId = records.length > size ? `${event.id}_${i / size + 1}` : event.id;
    requests.push({
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': `labelhook/${VERSION} (listen)`,
        ...f.headers(body, secret),
        'webhook-id': msgId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandard({ msgId, timestamp, body, secrets: [secret] }),
      },
    });
  }
  return requests;
}

/** What the local receiver answered. */
export interface ForwardResult {
  status: number | null;
  durationMs: number;
  /** Network error or timeout, when there is no status. */
  error?: string;
}

/** POSTs one request to the local receiver and measures it; never throws. Redirects are not followed, as in delivery. */
export async function forwardRequest(url: string, req: SignedRequest, timeoutMs: number): Promise<ForwardResult> {
  const started = performance.now();
  try {
    const res = await request(url, { method: 'POST', headers: req.headers, body: req.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump();
    return { status: res.statusCode, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { status: null, durationMs: Math.round(performance.now() - started), error: e.code ?? e.message ?? String(err) };
  }
}
