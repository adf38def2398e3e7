import type { AppContext } from '../../app-context.js';
import { actorOf, requireAdmin } from '../../domain/permissions.js';
import type { Principal } from '../../domain/principal.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { StoredEvent } from '../../events/event.js';
import { newId } from '../../ids.js';
import { effectiveBatch } from '../fanout/dispatcher.js';
import { attemptRow, failureSummary } from '../delivery/delivery-results.js';
import { getFormat } from '../formats/registry.js';
import { logImmediate } from './immediate-log.js';
import type { SentAttempt } from '../transport/send-attempt.js';
import { decodeWebhookLenient, findWebhookRow, readable, type Webhook } from './webhook-store.js';
import { toAttemptView, toDeliveryView, type AttemptView, type DeliveryView, type TestAnswerView } from './webhook-views.js';

/** Sends once, in one of the webhook's concurrency slots (waiting up to the request timeout for one: 409 `webhook_busy`). */
function send(ctx: AppContext, webhook: Webhook, messageId: string, body: string): Promise<SentAttempt> {
  return ctx.webhooks.sender.manual(webhook, messageId, body);
}

/** The PING event a test send carries. */
export function pingEvent(p: Principal, webhookId: string, now: number): StoredEvent {
  return {
    id: newId('evt', now),
    seq: 0,
    type: 'PING',
    timestamp: new Date(now).toISOString(),
    team: { id: p.teamId, name: p.teamName },
    project: null,
    actor: actorOf(p),
    data: { message: 'Test event from labelhook: your endpoint is reachable.', webhookId },
  };
}

/** Sends a PING to the webhook now (even when disabled) and answers the attempt; logged like any delivery, never retried. */
export async function testWebhook(ctx: AppContext, p: Principal, id: string): Promise<TestAnswerView> {
  requireAdmin(p, 'test webhooks');
  const webhook = readable(decodeWebhookLenient(await findWebhookRow(ctx.store.db, p.teamId, id), ctx.webhooks.box));
  const format = getFormat(webhook.format);
  const event = pingEvent(p, webhook.id, ctx.clock());
  const records = format.records(event, { sendPayload: webhook.sendPayload });
  // A batching webhook gets its batch shape even for a PING, so the test exercises the receiver's real parser.
  const body = format.render(records, 'PING', effectiveBatch(webhook.batch, format) !== null || records.length !== 1);
  const messageId = newId('msg', ctx.clock());
  const sent = await send(ctx, webhook, messageId, body);
  const [logged] = await ctx.store.db.transaction().execute((trx) =>
    logImmediate(trx, [
      { teamId: p.teamId, webhookId: webhook.id, projectId: null, eventType: 'PING', eventIds: [event.id], messageId, body, sent, succeeded: sent.outcome.kind === 'ok' },
    ]),
  );
  const attempt = await ctx.store.db.selectFrom('attempts').selectAll().where('id', '=', logged!.attemptId).executeTakeFirstOrThrow();
  return { deliveryId: logged!.deliveryId, ok: sent.outcome.kind === 'ok', ...toAttemptView(attempt, body) };
}

/**
 * Sends a delivery again now, with its original body and webhook-id (receivers de-duplicate on it). A success
 * completes it; a failure leaves a waiting retry schedule alone and marks a finished delivery failed.
 */
export async function redeliver(ctx: AppContext, p: Principal, deliveryId: string): Promise<{ delivery: DeliveryView; attempt: AttemptView }> {
  requireAdmin(p, 'redeliver webhooks');
  const db = ctx.store.db;
  const d = await db.selectFrom('deliveries').selectAll().where('id', '=', deliveryId).where('team_id', '=', p.teamId).executeTakeFirst();
  if (!d) throw new NotFoundError('Delivery', deliveryId);
  if (d.status === 'delivering' && Number(d.next_attempt_at) > ctx.clock()) {
    throw new ConflictError('This delivery is being sent right now; wait for its attempt to finish.', { deliveryId }, 'delivery_in_flight');
  }
  const webhook = readable(decodeWebhookLenient(await findWebhookRow(db, p.teamId, d.webhook_id), ctx.webhooks.box));
  const sent = await send(ctx, webhook, d.message_id, d.payload);
  const ok = sent.outcome.kind === 'ok';
  const now = ctx.clock();
  await db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('deliveries').select(['attempt_count', 'status']).where('id', '=', d.id).executeTakeFirst();
    if (!current) return;
    await trx.insertInto('attempts').values(attemptRow(d, sent, current.attempt_count + 1)).execute();
    const keepSchedule = !ok && current.status === 'pending';
    await trx
      .updateTable('deliveries')
      .set({
        attempt_count: current.attempt_count + 1,
        last_status: sent.responseStatus,
        last_error: failureSummary(sent),
        updated_at: now,
        ...(keepSchedule
          ? {}
          : { status: ok ? 'succeeded' : 'failed', completed_at: now, lease_owner: null, lease_expires_at: null, batch_open: 0, batch_records: null }),
      })
      .where('id', '=', d.id)
      .execute();
  });
  // A finished head of an ordered line lets the next delivery go: the worker claims it now, not at its next poll.
  if (ok) ctx.commitSignal.emit('deliveriesDue');
  const row = await db.selectFrom('deliveries').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
  const attempt = await db.selectFrom('attempts').selectAll().where('delivery_id', '=', d.id).orderBy('attempt_no', 'desc').limit(1).executeTakeFirstOrThrow();
  return { delivery: toDeliveryView(row), attempt: toAttemptView(attempt, row.payload) };
}
