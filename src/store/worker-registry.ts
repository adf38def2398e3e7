import { sql, type Kysely } from 'kysely';
import type { Store } from './db.js';
import type { DatabaseSchema } from './schema.js';

/**
 * The live delivery workers of a database that has no lock to prove who is alive (PostgreSQL). Beats are stamped
 * with the database's clock and compared with it, so clock skew between worker hosts plays no part.
 */
export interface WorkerRegistry {
  /** Records `id` as a live worker beating from now. */
  register(id: string): Promise<void>;
  /** Records a beat of `id`; false when its row is gone: another worker declared it dead and took its leases. */
  beat(id: string): Promise<boolean>;
  /**
   * Removes the workers silent for more than `timeoutMs` and gives back (pending, due at `now`) the deliveries
   * they lease. Answers how many deliveries were given back.
   */
  reap(timeoutMs: number, now: number): Promise<number>;
  /**
   * Gives back leases whose owner has no row (it was reaped while one of its claims was still committing, or it
   * died between being fenced and cleaning up) and that nobody stamped in the last `timeoutMs` (a worker that
   * registered a moment ago is not visible to every reader yet). Answers how many were given back.
   */
  sweepOrphans(timeoutMs: number, now: number, leaseMs: number): Promise<number>;
  /** Removes `id` (a clean stop, after it gave back its leases). */
  remove(id: string): Promise<void>;
}

/** The database's own clock in epoch milliseconds (clock_timestamp: the time of the statement, not of its transaction). */
const dbNowMs = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** Gives back, pending and due at `now`, the delivering rows the caller's further `where` selects. */
function releaseWhere(db: Kysely<DatabaseSchema>, now: number) {
  return db
    .updateTable('deliveries')
    .set({ status: 'pending', lease_owner: null, lease_expires_at: null, next_attempt_at: now, updated_at: now })
    .where('status', '=', 'delivering');
}

/** The worker registry of `store`; null on SQLite, where the worker lock proves that no other deliverer is alive. */
export function workerRegistry(store: Store): WorkerRegistry | null {
  if (store.dialect !== 'postgres') return null;
  return {
    async register(id) {
      await sql`insert into workers (id, started_at, last_beat_at) values (${id}, ${dbNowMs}, ${dbNowMs})
        on conflict (id) do update set last_beat_at = excluded.last_beat_at`.execute(store.db);
    },
    async beat(id) {
      const res = await sql`update workers set last_beat_at = ${dbNowMs} where id = ${id}`.execute(store.db);
      return Number(res.numAffectedRows ?? 0) > 0;
    },
    async reap(timeoutMs, now) {
      // One transaction: a worker whose row is gone holds no lease any more. The delete's row lock orders it
      // against the dead worker's own beat: a beat that lands first keeps the row (the WHERE is re-checked).
      return store.db.transaction().execute(async (trx) => {
        const dead = await sql<{ id: string }>`delete from workers where last_beat_at < ${dbNowMs} - ${timeoutMs} returning id`.execute(trx);
        const ids = dead.rows.map((r) => r.id);
        if (ids.length === 0) return 0;
        const res = await releaseWhere(trx, now).where('lease_owner', 'in', ids).executeTakeFirst();
        return Number(res.numUpdatedRows);
      });
    },
    async sweepOrphans(timeoutMs, now, leaseMs) {
      // lease_expires_at is stamp + leaseMs (claim or renewal): older than timeoutMs means stamped before it.
      const res = await releaseWhere(store.db, now)
        .where('lease_expires_at', '<=', now + leaseMs - timeoutMs)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('workers as w').select(sql.lit(1).as('one')).whereRef('w.id', '=', 'deliveries.lease_owner'))))
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
    async remove(id) {
      await store.db.deleteFrom('workers').where('id', '=', id).execute();
    },
  };
}
