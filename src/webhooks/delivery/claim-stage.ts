import type { AppContext } from '../../app-context.js';
import type { Webhook } from '../admin/webhook-store.js';
import { claimDeliveries } from './delivery-claim.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { dropWebhook, queueRows } from './queue-stage.js';
import type { WorkerWebhooks } from './worker-webhooks.js';

/** What a claim found: `more` may find more at once, `some` took what there was, `none` found nothing due. */
export type ClaimResult = 'more' | 'some' | 'none';

/** The claim stage of one worker. */
export interface ClaimStage {
  /** Claims due deliveries into the queue (see createClaimStage). */
  claim(): Promise<ClaimResult>;
}

/**
 * Claims due deliveries, up to the queue's room, leaving out webhooks whose queue is full or that cannot be
 * decrypted. Every claim also re-reads the webhooks the queue holds work for: a disabled, deleted or edited
 * webhook's queue is dropped or picks up the new settings within one claim.
 */
export function createClaimStage(ctx: AppContext, queue: DeliveryQueue, webhooks: WorkerWebhooks, owner: () => string, perWebhook: number): ClaimStage {
  const { config } = ctx;
  let lastExpiredCheck = 0;

  async function claimRows(room: number): Promise<ClaimResult> {
    const now = ctx.clock();
    // Expired leases only come from a crashed worker: looking for them once a second is plenty.
    const includeExpired = now - lastExpiredCheck >= Math.min(1000, config.leaseMs);
    if (includeExpired) lastExpiredCheck = now;
    const exclude = [...webhooks.unusable(now), ...queue.fullWebhooks()];
    const rows = await claimDeliveries(ctx.store, { now, owner: owner(), leaseMs: config.leaseMs, limit: room, perWebhook, concurrency: config.webhookConcurrency, exclude, includeExpired });
    const ids = new Set(rows.map((r) => r.webhook_id));
    for (const id of queue.queuedWebhooks()) ids.add(id);
    const current = ids.size > 0 ? await webhooks.load([...ids]) : new Map<string, Webhook>();
    for (const id of queue.refresh(current)) await dropWebhook(ctx, queue, id, owner());
    // The owner is read again: a worker fenced during the claim sends none of what it claimed under the old id.
    await queueRows(ctx, queue, rows, current, owner(), true);
    if (rows.length === 0) return 'none';
    return rows.length >= room && queue.spare() > 0 ? 'more' : 'some';
  }

  return {
    async claim() {
      const room = queue.beginClaim();
      if (room <= 0) return 'some';
      try {
        return await claimRows(room);
      } finally {
        queue.endClaim();
      }
    },
  };
}
