import { chunked } from '../domain/chunked.js';
import type { Store } from '../store/db.js';

/**
 * Pushes back the lease expiry of the listed deliveries `owner` holds (queued in the worker or in flight). A worker
 * claims more than it has in flight, so a delivery can wait its turn longer than one lease; renewing keeps another
 * worker from taking it meanwhile. Only what the worker still holds is renewed: anything it let go of expires.
 * A crashed worker stops renewing and its deliveries come due one lease after the last renewal.
 */
export async function renewLeases(store: Store, owner: string, ids: readonly string[], now: number, leaseMs: number): Promise<void> {
  const leaseEnd = now + leaseMs;
  for (const part of chunked(ids)) {
    await store.db
      .updateTable('deliveries')
      .set({ lease_expires_at: leaseEnd, next_attempt_at: leaseEnd })
      .where('id', 'in', part)
      .where('status', '=', 'delivering')
      .where('lease_owner', '=', owner)
      .execute();
  }
}

/**
 * Gives back the listed deliveries `owner` holds but never started: pending again, due now, lease cleared (the
 * worker dropped them because their webhook was disabled, deleted or changed).
 */
export async function releaseDeliveries(store: Store, owner: string, ids: readonly string[], now: number): Promise<void> {
  for (const part of chunked(ids)) {
    await store.db
      .updateTable('deliveries')
      .set({ status: 'pending', lease_owner: null, lease_expires_at: null, next_attempt_at: now, updated_at: now })
      .where('id', 'in', part)
      .where('status', '=', 'delivering')
      .where('lease_owner', '=', owner)
      .execute();
  }
}
