import type { Selectable } from 'kysely';
import type { AttemptTable, DeliveryTable } from '../../store/schema.js';
import type { Webhook } from './webhook-store.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

/** Custom header values are credentials: answers show the names only. */
export const REDACTED = '<redacted>';

/** A webhook as the API shows it: never its secret, never its custom header values. */
export interface WebhookView
  extends Pick<
    Webhook,
    'id' | 'projectId' | 'url' | 'description' | 'enabled' | 'events' | 'format' | 'headers' | 'sendPayload' | 'batch' | 'maxBodyBytes' | 'ordered' | 'blocking' | 'failMode' | 'disabledReason'
  > {
  /** The stored times as ISO 8601 strings. */
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  /** Its stored secret or custom headers cannot be decrypted: it cannot sign until the secret is rotated. */
  secretUnreadable: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Renders a decoded webhook for API answers. */
export function toWebhookView(w: Webhook & { secretUnreadable?: boolean }, now: number): WebhookView {
  return {
    id: w.id,
    projectId: w.projectId,
    url: w.url,
    description: w.description,
    enabled: w.enabled,
    events: w.events,
    format: w.format,
    headers: Object.fromEntries(Object.keys(w.headers).map((k) => [k, REDACTED])),
    sendPayload: w.sendPayload,
    batch: w.batch,
    maxBodyBytes: w.maxBodyBytes,
    ordered: w.ordered,
    blocking: w.blocking,
    failMode: w.failMode,
    disabledReason: w.disabledReason,
    failingSince: iso(w.failingSince),
    previousSecretExpiresAt: w.previousSecretExpiresAt !== null && w.previousSecretExpiresAt > now ? iso(w.previousSecretExpiresAt) : null,
    secretUnreadable: w.secretUnreadable ?? false,
    createdAt: iso(w.createdAt)!,
    updatedAt: iso(w.updatedAt)!,
  };
}

/** The signing secrets of a webhook: the current one, and during a rotation overlap the previous one. */
export interface SecretView {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
}

/** Renders a webhook's secrets (only `GET /webhooks/{id}/secret` and rotation answer them). */
export function toSecretView(w: Webhook, now: number): SecretView {
  const overlapping = w.previousSecret !== null && w.previousSecretExpiresAt !== null && w.previousSecretExpiresAt > now;
  return {
    secret: w.secret,
    previousSecret: overlapping ? w.previousSecret : null,
    previousSecretExpiresAt: overlapping ? iso(w.previousSecretExpiresAt) : null,
  };
}

export type DeliveryRow = Selectable<DeliveryTable>;
export type AttemptRow = Selectable<AttemptTable>;

/** A delivery as the delivery log shows it (times ISO 8601). */
export interface DeliveryView {
  id: string;
  messageId: string;
  webhookId: string;
  projectId: string | null;
  eventType: string;
  eventIds: string[];
  itemCount: number;
  status: DeliveryRow['status'];
  attemptCount: number;
  /** Set only while the delivery is pending. */
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/** One attempt as the delivery log shows it. */
export interface AttemptView {
  id: string;
  attemptNo: number;
  at: string;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  outcome: AttemptRow['outcome'];
}

/** What `POST /webhooks/{id}/test` answers: the PING's attempt, its delivery and whether it succeeded. */
export interface TestAnswerView extends AttemptView {
  deliveryId: string;
  ok: boolean;
}

/** A delivery with its body and every attempt, oldest first. */
export interface DeliveryDetailView extends DeliveryView {
  payload: string;
  attempts: AttemptView[];
}

/** A delivery in the delivery log. */
export function toDeliveryView(d: DeliveryRow): DeliveryView {
  return {
    id: d.id,
    messageId: d.message_id,
    webhookId: d.webhook_id,
    projectId: d.project_id,
    eventType: d.event_type,
    eventIds: JSON.parse(d.event_ids) as string[],
    itemCount: d.item_count,
    status: d.status,
    attemptCount: d.attempt_count,
    nextAttemptAt: d.status === 'pending' ? iso(d.next_attempt_at) : null,
    lastStatus: d.last_status,
    lastError: d.last_error,
    createdAt: iso(d.created_at)!,
    updatedAt: iso(d.updated_at)!,
    completedAt: iso(d.completed_at),
  };
}

/** One attempt of a delivery: the request as sent (its body is the delivery's `payload`) and the response as received (truncated). */
export function toAttemptView(a: AttemptRow, payload: string | null): AttemptView {
  return {
    id: a.id,
    attemptNo: a.attempt_no,
    at: iso(a.at)!,
    requestUrl: a.request_url,
    requestHeaders: JSON.parse(a.request_headers) as Record<string, string>,
    requestBody: a.request_body ?? payload,
    responseStatus: a.response_status,
    responseHeaders: a.response_headers === null ? null : (JSON.parse(a.response_headers) as Record<string, string>),
    responseBody: a.response_body,
    durationMs: a.duration_ms,
    error: a.error,
    outcome: a.outcome,
  };
}
