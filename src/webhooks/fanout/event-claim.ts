import { sql, type Transaction } from 'kysely';
import type { DialectName } from '../../store/dialect.js';
import type { DatabaseSchema } from '../../store/schema.js';

/** An outbox row waiting to be fanned out. */
export interface UndispatchedEvent {
  seq: number;
  id: string;
  team_id: string;
  project_id: string | null;
  type: string;
  data: string;
  created_at: number;
}

/**
 * Takes the oldest undispatched events inside the dispatcher's transaction. The dialect seam of fan-out: on
 * PostgreSQL rows are locked with SKIP LOCKED so several dispatchers each take different events (each event is
 * fanned out exactly once, because dispatched_at is set in the same transaction); SQLite has one writer.
 */
export async function claimUndispatchedEvents(trx: Transaction<DatabaseSchema>, dialect: DialectName, limit: number): Promise<UndispatchedEvent[]> {
  if (dialect === 'postgres') {
    // One dispatcher at a time per database: with several, a later event's deliveries could commit before an
    // earlier one's and an ordered webhook would send them out of order. Fan-out is cheap; the others skip the pass.
    const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext('labelhook_dispatch:' || current_schema())) as ok`.execute(trx);
    if (!lock.rows[0]?.ok) return [];
  }
  let q = trx
    .selectFrom('events')
    .select(['seq', 'id', 'team_id', 'project_id', 'type', 'data', 'created_at'])
    .where('dispatched_at', 'is', null)
    .orderBy('seq')
    .limit(limit);
  if (dialect === 'postgres') q = q.forUpdate().skipLocked();
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), created_at: Number(r.created_at) }));
}
