import type { AppContext } from '../../app-context.js';
import { requireAdmin } from '../../domain/permissions.js';
import type { Principal } from '../../domain/principal.js';
import { NotFoundError } from '../../errors.js';
import { parseSince } from '../../input-parsers.js';
import { findWebhookRow } from './webhook-store.js';
import { toAttemptView, toDeliveryView, type DeliveryDetailView, type DeliveryRow } from './webhook-views.js';

/** Filters of `GET /webhooks/{id}/deliveries`. */
export interface DeliveryFilter {
  status?: DeliveryRow['status'];
  eventType?: string;
  since?: string;
  limit: number;
  /** The last id of the previous page (the log is newest first). */
  beforeId?: string;
}

/** A webhook's deliveries, newest first, `limit + 1` rows for pagination. */
export async function listDeliveries(ctx: AppContext, p: Principal, webhookId: string, f: DeliveryFilter): Promise<DeliveryRow[]> {
  requireAdmin(p, 'read the delivery log');
  await findWebhookRow(ctx.store.db, p.teamId, webhookId);
  let q = ctx.store.db.selectFrom('deliveries').selectAll().where('webhook_id', '=', webhookId).where('team_id', '=', p.teamId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.eventType) q = q.where('event_type', '=', f.eventType);
  if (f.since) q = q.where('created_at', '>=', parseSince(f.since));
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

/** One delivery with its body and every attempt, oldest attempt first. */
export async function readDelivery(ctx: AppContext, p: Principal, id: string): Promise<DeliveryDetailView> {
  requireAdmin(p, 'read the delivery log');
  const d = await ctx.store.db.selectFrom('deliveries').selectAll().where('id', '=', id).where('team_id', '=', p.teamId).executeTakeFirst();
  if (!d) throw new NotFoundError('Delivery', id);
  const attempts = await ctx.store.db.selectFrom('attempts').selectAll().where('delivery_id', '=', id).orderBy('attempt_no').orderBy('id').execute();
  return { ...toDeliveryView(d), payload: d.payload, attempts: attempts.map((a) => toAttemptView(a, d.payload)) };
}
