import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/db.js';
import { claimDeliveries, nextDueAt } from '../../src/store/queue/delivery-claims.js';
import { recordSucceeded } from '../../src/store/queue/results.js';
import { readQueueSnapshot } from '../../src/metrics/database-snapshot.js';
import { BACKENDS } from '../helpers/backends.js';
import { deliveryRow, insertTeamAndWebhook, queueIndexes, storeBefore, untyped } from '../helpers/upgrade-fixture.js';

// Migration 012 runs on upgrade, on a database with deliveries in every state: the queue goes on where it was.

const NOW = 1_764_600_000_000;
const UNFINISHED = /where status = 'pending' or status = 'delivering'$/i;

describe.each(BACKENDS)('migration 012: due indexes of unfinished deliveries on SQLite (%s)', (backend) => {
  it('narrows the due indexes on SQLite only, and claims, leases, wake-ups and metrics carry on', async () => {
    const store = await storeBefore(backend, 'm012', '012');
    await insertTeamAndWebhook(store);
    await untyped(store)
      .insertInto('deliveries')
      .values([
        deliveryRow('dlv_done', 'succeeded', 0, NOW - 5),
        deliveryRow('dlv_later', 'pending', 0, NOW + 60_000),
        deliveryRow('dlv_due', 'pending', 0, NOW - 2),
        // A crashed worker's lease, expired: taken again. Another worker's lease, still held: left alone.
        deliveryRow('dlv_expired', 'delivering', 0, NOW - 1, { lease_owner: 'wrk_gone', lease_expires_at: NOW - 1 }),
        deliveryRow('dlv_held', 'delivering', 0, NOW + 10_000, { lease_owner: 'wrk_other', lease_expires_at: NOW + 10_000 }),
      ])
      .execute();

    expect(await migrate(store)).toEqual(['012-sqlite-live-due-indexes']);

    const indexes = await queueIndexes(store);
    if (backend === 'sqlite') {
      expect(indexes.deliveries_due_order).toMatch(UNFINISHED);
      expect(indexes.deliveries_webhook_due).toMatch(UNFINISHED);
    } else {
      expect(Object.values(indexes).join('\n')).not.toMatch(/ where /i);
    }

    const claimed = await claimDeliveries(store, { now: NOW, owner: 'wrk_1', leaseMs: 30_000, limit: 10, perWebhook: 10, concurrency: 10, exclude: [] });
    expect(claimed.map((d) => d.id).sort()).toEqual(['dlv_due', 'dlv_expired']);
    expect(await nextDueAt(store, NOW)).toBe(NOW + 10_000);
    expect(await readQueueSnapshot(store, NOW)).toMatchObject({ pending: 1, inFlight: 3, oldestPendingAt: NOW });

    // A delivery that ends leaves the queue: never claimed again, however late.
    await store.db.transaction().execute((trx) => recordSucceeded(trx, 'wrk_1', ['dlv_due', 'dlv_expired'], 200, NOW));
    const later = NOW + 120_000;
    const again = await claimDeliveries(store, { now: later, owner: 'wrk_2', leaseMs: 30_000, limit: 10, perWebhook: 10, concurrency: 10, exclude: [] });
    expect(again.map((d) => d.id).sort()).toEqual(['dlv_held', 'dlv_later']);
  });
});
