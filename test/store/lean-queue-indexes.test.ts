import { describe, expect, it } from 'vitest';
import { claimDeliveries, nextDueAt } from '../../src/store/queue/delivery-claims.js';
import { lockOpenBatches } from '../../src/store/queue/fan-out.js';
import { BACKENDS } from '../helpers/backends.js';
import { deliveryRow as delivery, insertTeamAndWebhook, migrateBefore, queueIndexes, storeBefore, untyped } from '../helpers/upgrade-fixture.js';

// Migration 011 runs on upgrade, on a database full of deliveries: the queue goes on where it was, with the new indexes.

const NOW = 1_764_600_000_000;

describe.each(BACKENDS)('migration 011: lean queue indexes (%s)', (backend) => {
  it('replaces the indexes on a database with deliveries, and the queue carries on', async () => {
    const store = await storeBefore(backend, 'm011', '011');
    const raw = untyped(store);
    await insertTeamAndWebhook(store);
    await raw.insertInto('deliveries').values([delivery('dlv_a', 'succeeded', 0, NOW), delivery('dlv_b', 'pending', 1, NOW + 60_000), delivery('dlv_c', 'pending', 0, NOW - 1)]).execute();
    await raw
      .insertInto('attempts')
      .values({ id: 'att_1', team_id: 'team_1', delivery_id: 'dlv_a', webhook_id: 'wh_1', attempt_no: 1, at: NOW, request_url: 'http://127.0.0.1:9/', request_headers: '{}', duration_ms: 1, outcome: 'ok' })
      .execute();

    await migrateBefore(store, '012'); // 011 alone: migration 012 changes the due indexes again on SQLite

    const indexes = await queueIndexes(store);
    expect(Object.keys(indexes)).not.toContain('deliveries_line');
    expect(Object.keys(indexes)).not.toContain('attempts_at_all');
    expect(Object.keys(indexes)).toEqual(expect.arrayContaining(['deliveries_due_order', 'deliveries_webhook_due', 'deliveries_open_batch', 'deliveries_webhook', 'attempts_delivery', 'attempts_at']));
    // 011 makes no index partial (012 does, on SQLite).
    expect(Object.values(indexes).join('\n')).not.toMatch(/ where /i);

    // The open batch is still found (and only it), the due delivery is claimed, the later one sets the next wake-up.
    const batches = await store.db.transaction().execute((trx) => lockOpenBatches(trx, store.capabilities, ['wh_1']));
    expect(batches.map((b) => b.id)).toEqual(['dlv_b']);
    const claimed = await claimDeliveries(store, { now: NOW, owner: 'wrk_1', leaseMs: 30_000, limit: 10, perWebhook: 10, concurrency: 10, exclude: [] });
    expect(claimed.map((d) => d.id)).toEqual(['dlv_c']);
    expect(await nextDueAt(store, NOW)).toBe(NOW + 30_000);
    expect(await raw.selectFrom('attempts').select('id').execute()).toEqual([{ id: 'att_1' }]);
  });
});
