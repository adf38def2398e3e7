import type { AppContext } from '../app-context.js';
import { NotFoundError } from '../errors.js';
import type { EventType } from '../events/catalog.js';
import type { StoredEvent } from '../events/event.js';
import { eventFromRow } from '../events/outbox.js';
import { resolveId } from './id-alias.js';
import type { Principal } from './principal.js';

export interface EventLogQuery {
  types?: EventType[];
  projectId?: string;
  /** Epoch ms: only events at or after this time. */
  since?: number;
  /** `asc` (default) reads the log oldest first, so a client can resume from its last cursor; `desc` shows newest first. */
  order: 'asc' | 'desc';
  limit: number;
  /** Seq of the last event of the previous page. */
  afterSeq?: number;
}

/** The caller's team's events, `limit + 1` of them in seq order (any role). */
export async function listEvents(ctx: AppContext, p: Principal, q: EventLogQuery): Promise<StoredEvent[]> {
  let sel = ctx.store.db.selectFrom('events').select(['seq', 'data']).where('team_id', '=', p.teamId);
  if (q.types && q.types.length > 0) sel = sel.where('type', 'in', q.types);
  if (q.projectId) sel = sel.where('project_id', '=', await resolveId(ctx.store.db, 'projects', p.teamId, q.projectId));
  if (q.since !== undefined) sel = sel.where('created_at', '>=', q.since);
  if (q.afterSeq !== undefined) sel = sel.where('seq', q.order === 'asc' ? '>' : '<', q.afterSeq);
  const rows = await sel.orderBy('seq', q.order).limit(q.limit + 1).execute();
  return rows.map(eventFromRow);
}

/** One event of the caller's team; NotFoundError for a missing or another team's event. */
export async function getEvent(ctx: AppContext, p: Principal, id: string): Promise<StoredEvent> {
  const row = await ctx.store.db.selectFrom('events').select(['seq', 'data']).where('id', '=', id).where('team_id', '=', p.teamId).executeTakeFirst();
  if (!row) throw new NotFoundError('Event', id);
  return eventFromRow(row);
}
