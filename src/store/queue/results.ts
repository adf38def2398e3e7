import type { Kysely } from 'kysely';
import { powerOfTwoParts, preparedQuery, preparedWrite } from '../db.js';
import type { AttemptTable, DatabaseSchema, DeliveryTable } from '../schema.js';
import { DELIVERING, isUnfinished, PENDING } from './status-literals.js';

// Result statements of the delivery queue (src/webhooks/delivery/delivery-results.ts decides, these write); the same
// SQL on both databases. Callers keep id lists to one `in` list's worth (chunked) and run them in one transaction.
// The ones every result batch runs are compiled once per list length (preparedQuery).

type Db = Kysely<DatabaseSchema>;

/** A delivery's state after an attempt that did not succeed with a status (or that retries). */
export type AttemptState = Pick<DeliveryTable, 'status' | 'next_attempt_at' | 'completed_at' | 'last_status' | 'last_error'>;

/**
 * The listed deliveries that still exist (a webhook deleted mid-attempt took its deliveries with it). Only for the
 * deliveries whose state update matched nothing: one that matched exists.
 */
export async function existingDeliveryIds(db: Db, ids: readonly string[]): Promise<string[]> {
  return (await selectExisting(db, { ids })).map((r) => r.id);
}

const selectExisting = preparedQuery<{ ids: readonly string[] }, { id: string }>((db, param) =>
  db.selectFrom('deliveries').select('id').where('id', 'in', param.list('ids')),
);

/** Appends attempt rows in a few multi-row inserts (of power-of-two row counts). */
export async function insertAttempts(db: Db, rows: readonly AttemptTable[]): Promise<void> {
  for (const part of powerOfTwoParts(rows)) await insertAttemptRows(db, { rows: part });
}

const insertAttemptRows = preparedQuery<{ rows: readonly AttemptTable[] }, unknown>((db, param) => db.insertInto('attempts').values([...param.rows('rows')]));

/**
 * Records one delivery's next state, if `owner` still leases it (a re-claimed delivery keeps its newer state).
 * Answers whether it did.
 */
export async function recordAttemptState(db: Db, owner: string, id: string, state: AttemptState, now: number): Promise<boolean> {
  return (await updateAttemptState(db, { ...state, owner, id, now })) > 0;
}

const updateAttemptState = preparedWrite<AttemptState & { owner: string; id: string; now: number }>((db, param) =>
  db
    .updateTable('deliveries')
    .set((eb) => ({
      status: param('status'),
      next_attempt_at: param('next_attempt_at'),
      completed_at: param('completed_at'),
      attempt_count: eb('attempt_count', '+', 1),
      last_status: param('last_status'),
      last_error: param('last_error'),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: param('now'),
    }))
    .where('id', '=', param('id'))
    .where('status', '=', DELIVERING)
    .where('lease_owner', '=', param('owner')),
);

/** Marks the listed deliveries `owner` still leases succeeded with HTTP `status`, in one statement. Answers how many. */
export async function recordSucceeded(db: Db, owner: string, ids: readonly string[], status: number, now: number): Promise<number> {
  return updateSucceeded(db, { owner, ids, status, now });
}

const updateSucceeded = preparedWrite<{ owner: string; ids: readonly string[]; status: number; now: number }>((db, param) =>
  db
    .updateTable('deliveries')
    .set((eb) => ({
      status: 'succeeded',
      attempt_count: eb('attempt_count', '+', 1),
      last_status: param('status'),
      last_error: null,
      lease_owner: null,
      lease_expires_at: null,
      next_attempt_at: param('now'),
      completed_at: param('now'),
      updated_at: param('now'),
    }))
    .where('id', 'in', param.list('ids'))
    .where('status', '=', DELIVERING)
    .where('lease_owner', '=', param('owner')),
);

/** Disables the listed webhooks with `reason` and cancels their pending deliveries and those `owner` holds. */
export async function disableAndCancel(db: Db, ids: readonly string[], owner: string, reason: string, now: number): Promise<void> {
  await db.updateTable('webhooks').set({ enabled: 0, disabled_reason: reason, updated_at: now }).where('id', 'in', ids).execute();
  await db
    .updateTable('deliveries')
    .set({ status: 'cancelled', completed_at: now, updated_at: now, lease_owner: null, lease_expires_at: null, batch_open: 0, batch_records: null })
    .where('webhook_id', 'in', ids)
    // Pending, or delivering under `owner`: written as the unfinished predicate of SQLite's due index (migration 012).
    .where(isUnfinished('status'))
    .where((eb) => eb.or([eb('status', '=', PENDING), eb('lease_owner', '=', owner)]))
    .execute();
}

/** Ends the failure streak of the listed webhooks. */
export async function clearFailingSince(db: Db, ids: readonly string[]): Promise<void> {
  await updateClearFailing(db, { ids });
}

const updateClearFailing = preparedQuery<{ ids: readonly string[] }, unknown>((db, param) =>
  db.updateTable('webhooks').set({ failing_since: null }).where('id', 'in', param.list('ids')).where('failing_since', 'is not', null),
);

/** Starts a failure streak at `now` for the listed webhooks that have none. */
export async function markFailingSince(db: Db, ids: readonly string[], now: number): Promise<void> {
  await updateMarkFailing(db, { ids, now });
}

const updateMarkFailing = preparedQuery<{ ids: readonly string[]; now: number }, unknown>((db, param) =>
  db.updateTable('webhooks').set({ failing_since: param('now') }).where('id', 'in', param.list('ids')).where('failing_since', 'is', null),
);

/** Disables the listed enabled webhooks failing since `failingBefore` or earlier, with `reason`; answers their ids. */
export async function disableLongFailing(db: Db, ids: readonly string[], failingBefore: number, reason: string, now: number): Promise<string[]> {
  return (await updateDisableLongFailing(db, { ids, failingBefore, reason, now })).map((r) => r.id);
}

const updateDisableLongFailing = preparedQuery<{ ids: readonly string[]; failingBefore: number; reason: string; now: number }, { id: string }>((db, param) =>
  db
    .updateTable('webhooks')
    .set({ enabled: 0, disabled_reason: param('reason'), updated_at: param('now') })
    .where('id', 'in', param.list('ids'))
    .where('enabled', '=', 1)
    .where('failing_since', '<=', param('failingBefore'))
    .returning('id'),
);
