import type { Store } from '../store/db.js';

/**
 * Gives back every delivery `owner` still leases: pending again, due now, lease cleared. A stopping worker calls it
 * once its drain is over, so what it claimed but did not finish goes to the other workers (or the next start) at
 * once instead of after the lease expires. An attempt cut off here may have reached its receiver: it is sent again
 * with the same webhook-id (at least once).
 */
export async function releaseLeases(store: Store, owner: string, now: number): Promise<number> {
  const result = await store.db
    .updateTable('deliveries')
    .set({ status: 'pending', lease_owner: null, lease_expires_at: null, next_attempt_at: now, updated_at: now })
    .where('status', '=', 'delivering')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
