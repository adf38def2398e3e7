import type { AppContext } from '../../app-context.js';
import { requireAdmin } from '../../domain/permissions.js';
import type { Principal } from '../../domain/principal.js';
import { parseSince } from '../../input-parsers.js';
import { findWebhookRow } from './webhook-store.js';

/** The body of `POST /webhooks/{id}/replay`. */
export interface ReplayInput {
  /** ISO 8601 time: deliveries created at or after it. */
  since: string;
  /** Only deliveries that failed (default: every finished one). */
  onlyFailed?: boolean;
  /** Count, change nothing. */
  dryRun?: boolean;
}

/**
 * Re-queues the webhook's finished deliveries created since a time (only the failed ones with onlyFailed):
 * each goes out again with its original body and webhook-id, on a fresh retry schedule. Deliveries still
 * queued are left alone. Answers how many were (or, with dryRun, would be) re-queued.
 */
export async function replayDeliveries(ctx: AppContext, p: Principal, webhookId: string, input: ReplayInput): Promise<{ count: number; dryRun: boolean }> {
  requireAdmin(p, 'replay webhook deliveries');
  await findWebhookRow(ctx.store.db, p.teamId, webhookId);
  const since = parseSince(input.since);
  const statuses = input.onlyFailed ? (['failed'] as const) : (['succeeded', 'failed', 'cancelled'] as const);
  const matching = ctx.store.db
    .selectFrom('deliveries')
    .where('webhook_id', '=', webhookId)
    .where('team_id', '=', p.teamId)
    .where('created_at', '>=', since)
    .where('status', 'in', [...statuses]);
  if (input.dryRun) {
    const row = await matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { count: Number(row.n), dryRun: true };
  }
  const now = ctx.clock();
  const res = await ctx.store.db
    .updateTable('deliveries')
    .set((eb) => ({
      status: 'pending',
      next_attempt_at: now,
      schedule_start: eb.ref('attempt_count'),
      completed_at: null,
      lease_owner: null,
      lease_expires_at: null,
      updated_at: now,
    }))
    .where('webhook_id', '=', webhookId)
    .where('team_id', '=', p.teamId)
    .where('created_at', '>=', since)
    .where('status', 'in', [...statuses])
    .executeTakeFirst();
  // Due now: wake the delivery worker here (and, on PostgreSQL, in every process) instead of its next poll.
  if (Number(res.numUpdatedRows) > 0) ctx.commitSignal.emit('deliveriesDue');
  return { count: Number(res.numUpdatedRows), dryRun: false };
}
