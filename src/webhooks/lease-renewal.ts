import type { Store } from '../store/db.js';

/**
 * Pushes back the lease expiry of every delivery `owner` holds (queued in the worker or in flight), in one
 * statement. A worker claims more than it has in flight, so a delivery can wait its turn longer than one lease;
 * renewing keeps another worker from taking it meanwhile. A crashed worker stops renewing and its deliveries
 * come due one lease after the last renewal.
 */
export async function renewLeases(store: Store, owner: string, now: number, leaseMs: number): Promise<number> {
  const leaseEnd = now + leaseMs;
  const result = await store.db
    .updateTable('deliveries')
    .set({ lease_expires_at: leaseEnd, next_attempt_at: leaseEnd })
    .where('status', '=', 'delivering')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Gives back the listed deliveries `owner` holds but never started: pending again, due now, lease cleared (the
 * worker dropped them because their webhook was disabled, deleted or changed).
 */
export async function releaseDeliveries(store: Store, owner: string, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await store.db
    .updateTable('deliveries')
    .set({ status: 'pending', lease_owner: null, lease_expires_at: null, next_attempt_at: now, updated_at: now })
    .where('id', 'in', [...ids])
    .where('status', '=', 'delivering')
    .where('lease_owner', '=', owner)
    .execute();
}
