import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, type Store } from '../../src/store/db.js';
import { claimDeliveries, nextDueAt } from '../../src/store/queue/delivery-claims.js';
import { lockOpenBatches } from '../../src/store/queue/fan-out.js';
import { BACKENDS } from '../helpers/backends.js';
import { migrateBefore, openEmptyStore } from '../helpers/upgrade-fixture.js';

// Migration 011 runs on upgrade, on a database full of deliveries: the queue goes on where it was, with the new indexes.

/** Index name → definition of the deliveries and attempts tables. */
async function queueIndexes(store: Store): Promise<Record<string, string>> {
  const rows =
    store.dialect === 'sqlite'
      ? (await sql<{ name: string; def: string | null }>`select name, sql as def from sqlite_master where type = 'index' and tbl_name in ('deliveries', 'attempts')`.execute(store.db)).rows
      : (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() and tablename in ('deliveries', 'attempts')`.execute(store.db)).rows;
  return Object.fromEntries(rows.map((r) => [r.name, r.def ?? '(primary key)']));
}

const NOW = 1_764_600_000_000;

function delivery(id: string, status: string, batchOpen: number, nextAt: number): Record<string, unknown> {
  return {
    id, message_id: `msg_${id}`, team_id: 'team_1', webhook_id: 'wh_1', project_id: null, event_type: 'TASKS_CREATED', event_ids: '[]', event_seq: 1,
    payload: '{}', item_count: 1, batch_open: batchOpen, batch_records: batchOpen ? '[]' : null, schedule_start: 0, status, attempt_count: status === 'succeeded' ? 1 : 0,
    next_attempt_at: nextAt, lease_owner: null, lease_expires_at: null, last_status: null, last_error: null, created_at: NOW, updated_at: NOW, completed_at: null,
  };
}

describe.each(BACKENDS)('migration 011: lean queue indexes (%s)', (backend) => {
  let drop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await drop?.();
    drop = null;
  });

  it('replaces the indexes on a database with deliveries, and the queue carries on', async () => {
    const db = await openEmptyStore(backend, 'm011');
    drop = db.drop;
    const { store } = db;
    await migrateBefore(store, '011');
    const raw = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    await raw.insertInto('teams').values({ id: 'team_1', name: 'T', created_at: 1 }).execute();
    await raw
      .insertInto('webhooks')
      .values({ id: 'wh_1', team_id: 'team_1', url: 'http://127.0.0.1:9/', description: '', enabled: 1, events: '["*"]', format: 'standard', secret_enc: 's', send_payload: 1, ordered: 0, blocking: 0, fail_mode: 'queue', created_at: 1, updated_at: 1 })
      .execute();
    await raw.insertInto('deliveries').values([delivery('dlv_a', 'succeeded', 0, NOW), delivery('dlv_b', 'pending', 1, NOW + 60_000), delivery('dlv_c', 'pending', 0, NOW - 1)]).execute();
    await raw
      .insertInto('attempts')
      .values({ id: 'att_1', team_id: 'team_1', delivery_id: 'dlv_a', webhook_id: 'wh_1', attempt_no: 1, at: NOW, request_url: 'http://127.0.0.1:9/', request_headers: '{}', duration_ms: 1, outcome: 'ok' })
      .execute();

    expect(await migrate(store)).toEqual(['011-lean-queue-indexes']);

    const indexes = await queueIndexes(store);
    expect(Object.keys(indexes)).not.toContain('deliveries_line');
    expect(Object.keys(indexes)).not.toContain('attempts_at_all');
    expect(Object.keys(indexes)).toEqual(expect.arrayContaining(['deliveries_due_order', 'deliveries_webhook_due', 'deliveries_open_batch', 'deliveries_webhook', 'attempts_delivery', 'attempts_at']));
    // No partial index: the queue binds its predicates (`status = ?`, `batch_open = ?`), and SQLite would prepare
    // each such statement again at every run to match one.
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
