import type { AppContext } from '../../app-context.js';
import type { Webhook } from '../admin/webhook-store.js';
import type { DeliveryRow } from '../admin/webhook-views.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { releaseLeases } from './leases.js';

/**
 * The queue stage: puts rows this worker now leases (claimed, or adopted from the dispatcher) into their webhooks'
 * queues, and gives back at once those it must not send (webhook gone, or leased under a fenced owner id).
 */
export async function queueRows(
  ctx: AppContext,
  queue: DeliveryQueue,
  rows: readonly DeliveryRow[],
  found: ReadonlyMap<string, Webhook>,
  owner: string,
  claimed: boolean,
): Promise<void> {
  const { orphans, stale } = queue.accept(rows, found, owner, claimed);
  const now = ctx.clock();
  if (orphans.length > 0) await releaseLeases(ctx.store, owner, now, orphans);
  for (const [old, ids] of stale) await releaseLeases(ctx.store, old, now, ids);
}

/** Forgets the queued (not started) deliveries of a webhook and gives their leases back. */
export async function dropWebhook(ctx: AppContext, queue: DeliveryQueue, webhookId: string, owner: string): Promise<void> {
  const ids = queue.drop(webhookId);
  if (ids.length > 0) await releaseLeases(ctx.store, owner, ctx.clock(), ids);
}
