import { preparedQuery, type Store } from '../db.js';
import { DELIVERING } from './status-literals.js';

// Lease statements of the delivery queue; the same SQL on both databases. Callers keep `ids` to one `in` list's
// worth (src/webhooks/delivery/leases.ts chunks them).

/** Sets the lease expiry (and so the due time) of the listed deliveries `owner` still holds to `leaseEnd`. */
export async function renewHeldLeases(store: Pick<Store, 'db'>, owner: string, ids: readonly string[], leaseEnd: number): Promise<void> {
  await updateHeldLeases(store.db, { owner, ids, leaseEnd });
}

// Runs every lease period for every held delivery: compiled once per list length (preparedQuery).
const updateHeldLeases = preparedQuery<{ owner: string; ids: readonly string[]; leaseEnd: number }, unknown>((db, param) =>
  db
    .updateTable('deliveries')
    .set({ lease_expires_at: param('leaseEnd'), next_attempt_at: param('leaseEnd') })
    .where('id', 'in', param.list('ids'))
    .where('status', '=', DELIVERING)
    .where('lease_owner', '=', param('owner')),
);

/** Makes deliveries `owner` holds pending again, due `now`, lease cleared: the listed ones, or all. Answers how many. */
export async function releaseHeldLeases(store: Pick<Store, 'db'>, owner: string, now: number, ids?: readonly string[]): Promise<number> {
  let q = store.db
    .updateTable('deliveries')
    .set({ status: 'pending', lease_owner: null, lease_expires_at: null, next_attempt_at: now, updated_at: now })
    .where('status', '=', DELIVERING)
    .where('lease_owner', '=', owner);
  if (ids !== undefined) q = q.where('id', 'in', ids);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

/** Makes every leased delivery pending again, due `now`, whoever holds it. Answers how many. */
export async function releaseEveryLease(store: Pick<Store, 'db'>, now: number): Promise<number> {
  const res = await store.db
    .updateTable('deliveries')
    .set({ status: 'pending', lease_owner: null, lease_expires_at: null, next_attempt_at: now, updated_at: now })
    .where('status', '=', DELIVERING)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
