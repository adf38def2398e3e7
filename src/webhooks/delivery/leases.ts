import { chunked } from '../../domain/chunked.js';
import type { Store } from '../../store/db.js';
import { releaseEveryLease, releaseHeldLeases, renewHeldLeases } from '../../store/queue/leases.js';

/**
 * Pushes back the lease expiry of the listed deliveries `owner` holds (queued in the worker or in flight). A worker
 * claims more than it has in flight, so a delivery can wait its turn longer than one lease; renewing keeps another
 * worker from taking it meanwhile. Only what the worker still holds is renewed: anything it let go of expires.
 * A crashed worker stops renewing and its deliveries come due one lease after the last renewal.
 */
export async function renewLeases(store: Store, owner: string, ids: readonly string[], now: number, leaseMs: number): Promise<void> {
  const leaseEnd = now + leaseMs;
  for (const part of chunked(ids)) await renewHeldLeases(store, owner, part, leaseEnd);
}

/**
 * Gives back deliveries `owner` holds: pending again, due now, lease cleared; the listed ones, or all of them when
 * `ids` is left out. A worker gives back the queue of a webhook that was disabled, deleted or changed, and at the
 * end of a stop everything it still holds, so that goes to the other workers (or the next start) at once instead
 * of after the lease expires. An attempt cut off by a stop may have reached its receiver: it is sent again with the
 * same webhook-id (at least once). Answers how many were given back.
 */
export async function releaseLeases(store: Store, owner: string, now: number, ids?: readonly string[]): Promise<number> {
  if (ids === undefined) return releaseHeldLeases(store, owner, now);
  let released = 0;
  for (const part of chunked(ids)) released += await releaseHeldLeases(store, owner, now, part);
  return released;
}

/**
 * Gives back every lease in the database: pending again, due now. Only for a process that has just taken the
 * SQLite worker lock and not started delivering: the lock proves that no other deliverer is alive, so every
 * lease is a dead process's, and waiting for it to expire would only delay its deliveries. Answers how many.
 */
export async function releaseDeadProcessLeases(store: Store, now: number): Promise<number> {
  return releaseEveryLease(store, now);
}
