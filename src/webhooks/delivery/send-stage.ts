import type { AppContext } from '../../app-context.js';
import type { Webhook } from '../admin/webhook-store.js';
import type { DeliveryRow } from '../admin/webhook-views.js';
import type { Fence } from '../transport/fence.js';
import type { SentAttempt } from '../transport/send-attempt.js';
import type { WebhookSender } from '../transport/webhook-sender.js';
import { releaseLeases } from './leases.js';
import type { WorkerLiveness } from './worker-liveness.js';

/** What a failure inside labelhook (not the receiver's) records as the attempt, so the delivery is retried. */
function internalFailure(ctx: AppContext, webhook: Webhook, delivery: DeliveryRow, err: unknown): SentAttempt {
  const message = err instanceof Error ? err.message : String(err);
  return {
    at: ctx.clock(),
    durationMs: 0,
    request: { url: webhook.url, headers: {}, body: delivery.payload, loggedHeaders: {} },
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    error: `internal_error: ${message}`.slice(0, 1000),
    outcome: { kind: 'retry', reason: 'internal_error' },
  };
}

/**
 * The send stage: one attempt of a delivery through the shared sender, fenced on PostgreSQL (a worker that stalled
 * sends no byte). Answers null when the fence stopped it before anything went out: not an attempt, and its lease is
 * given back if still ours. Never answers without a result otherwise: an ordered line would stall until the lease
 * expired.
 */
export async function sendDelivery(
  ctx: AppContext,
  sender: WebhookSender,
  liveness: WorkerLiveness,
  webhook: Webhook,
  delivery: DeliveryRow,
): Promise<SentAttempt | null> {
  const fence: Fence | undefined = liveness.fencing ? { live: liveness.live, stopped: false } : undefined;
  let sent: SentAttempt;
  try {
    sent = await sender.attempt(webhook, delivery.message_id, delivery.payload, fence);
  } catch (err) {
    sent = internalFailure(ctx, webhook, delivery, err);
  }
  if (fence?.stopped !== true) return sent;
  await releaseLeases(ctx.store, delivery.lease_owner ?? liveness.owner(), ctx.clock(), [delivery.id]);
  return null;
}
