import type { AppContext } from '../../app-context.js';
import { requireAdmin } from '../../domain/permissions.js';
import type { Principal } from '../../domain/principal.js';
import { parseSince } from '../../input-parsers.js';
import type { DeliveryRow } from './webhook-views.js';

/** Filters of the team-wide delivery log `GET /deliveries`. */
export interface TeamDeliveryFilter {
  status?: DeliveryRow['status'];
  eventType?: string;
  since?: string;
  webhookId?: string;
  limit: number;
  /** The last id of the previous page (the log is newest first). */
  beforeId?: string;
}

/** Deliveries of every webhook of the team, newest first, `limit + 1` rows for pagination. */
export async function listTeamDeliveries(ctx: AppContext, p: Principal, f: TeamDeliveryFilter): Promise<DeliveryRow[]> {
  requireAdmin(p, 'read the delivery log');
  let q = ctx.store.db.selectFrom('deliveries').selectAll().where('team_id', '=', p.teamId);
  if (f.webhookId) q = q.where('webhook_id', '=', f.webhookId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.eventType) q = q.where('event_type', '=', f.eventType);
  if (f.since) q = q.where('created_at', '>=', parseSince(f.since));
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}
