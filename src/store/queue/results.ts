import type { Kysely } from 'kysely';
import type { AttemptTable, DatabaseSchema, DeliveryTable } from '../schema.js';

// Result statements of the delivery queue (src/webhooks/delivery/delivery-results.ts decides, these write); the same
// SQL on both databases. Callers keep id lists to one `in` list's worth (chunked) and run them in one transaction.

type Db = Kysely<DatabaseSchema>;

/** A delivery's state after an attempt that did not succeed with a status (or that retries). */
export type AttemptState = Pick<DeliveryTable, 'status' | 'next_attempt_at' | 'completed_at' | 'last_status' | 'last_error'>;

/** The listed deliveries that still exist (a webhook deleted mid-attempt took its deliveries with it). */
export async function existingDeliveryIds(db: Db, ids: readonly string[]): Promise<string[]> {
  return (await db.selectFrom('deliveries').select('id').where('id', 'in', ids).execute()).map((r) => r.id);
}

/** Appends attempt rows in one multi-row insert. */
export async function insertAttempts(db: Db, rows: readonly AttemptTable[]): Promise<void> {
  await db.insertInto('attempts').values([...rows]).execute();
}

/** Records one delivery's next state, if `owner` still leases it (a re-claimed delivery keeps its newer state). */
export async function recordAttemptState(db: Db, owner: string, id: string, state: AttemptState, now: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({
      status: state.status,
      next_attempt_at: state.next_attempt_at,
      completed_at: state.completed_at,
      attempt_count: eb('attempt_count', '+', 1),
      last_status: state.last_status,
      last_error: state.last_error,
      lease_owner: null,
      lease_expires_at: null,
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('status', '=', 'delivering')
    .where('lease_owner', '=', owner)
    .execute();
}

/** Marks the listed deliveries `owner` still leases succeeded with HTTP `status`, in one statement. */
export async function recordSucceeded(db: Db, owner: string, ids: readonly string[], status: number, now: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({
      status: 'succeeded',
      attempt_count: eb('attempt_count', '+', 1),
      last_status: status,
      last_error: null,
      lease_owner: null,
      lease_expires_at: null,
      next_attempt_at: now,
      completed_at: now,
      updated_at: now,
    }))
    .where('id', 'in', ids)
    .where('status', '=', 'delivering')
    .where('lease_owner', '=', owner)
    .execute();
}

/** Disables the listed webhooks with `reason` and cancels their pending deliveries and those `owner` holds. */
export async function disableAndCancel(db: Db, ids: readonly string[], owner: string, reason: string, now: number): Promise<void> {
  await db.updateTable('webhooks').set({ enabled: 0, disabled_reason: reason, updated_at: now }).where('id', 'in', ids).execute();
  await db
    .updateTable('deliveries')
    .set({ status: 'cancelled', completed_at: now, updated_at: now, lease_owner: null, lease_expires_at: null, batch_open: 0, batch_records: null })
    .where('webhook_id', 'in', ids)
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'delivering'), eb('lease_owner', '=', owner)])]))
    .execute();
}

/** Ends the failure streak of the listed webhooks. */
export async function clearFailingSince(db: Db, ids: readonly string[]): Promise<void> {
  await db.updateTable('webhooks').set({ failing_since: null }).where('id', 'in', ids).where('failing_since', 'is not', null).execute();
}

/** Starts a failure streak at `now` for the listed webhooks that have none. */
export async function markFailingSince(db: Db, ids: readonly string[], now: number): Promise<void> {
  await db.updateTable('webhooks').set({ failing_since: now }).where('id', 'in', ids).where('failing_since', 'is', null).execute();
}

/** Disables the listed enabled webhooks failing since `failingBefore` or earlier, with `reason`; answers their ids. */
export async function disableLongFailing(db: Db, ids: readonly string[], failingBefore: number, reason: string, now: number): Promise<string[]> {
  const rows = await db
    .updateTable('webhooks')
    .set({ enabled: 0, disabled_reason: reason, updated_at: now })
    .where('id', 'in', ids)
    .where('enabled', '=', 1)
    .where('failing_since', '<=', failingBefore)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
