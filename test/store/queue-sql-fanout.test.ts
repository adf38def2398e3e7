import type { Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { StoreCapabilities } from '../../src/store/capabilities.js';
import type { DialectName } from '../../src/store/dialect.js';
import { claimEventsToFanOut, insertDeliveries, lockOpenBatches, markEventsDispatched } from '../../src/store/queue/fan-out.js';
import { lockDocumentRow, lockProjectRow } from '../../src/store/row-locks.js';
import type { DatabaseSchema } from '../../src/store/schema.js';
import { deliveryRow } from '../../src/webhooks/fanout/delivery-row.js';
import { recordingStore, type Answer } from './recording-store.js';

// The fan-out pass's statements and the domain's row locks as each database receives them (inside a transaction,
// as their callers run them).

async function recorded(dialect: DialectName, work: (trx: Transaction<DatabaseSchema>, caps: StoreCapabilities) => Promise<unknown>, answer?: Answer) {
  const store = recordingStore(dialect, answer);
  await store.db.transaction().execute((trx) => work(trx, store.capabilities));
  return store.statements;
}

/** The advisory lock is granted. */
const granted: Answer = (sql) => (sql.includes('pg_try_advisory_xact_lock') ? [{ ok: true }] : []);

describe('claim events to fan out', () => {
  it('on SQLite: the oldest undispatched events', async () => {
    expect(await recorded('sqlite', (trx, caps) => claimEventsToFanOut(trx, caps, 200), granted)).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            200,
          ],
          "sql": "select "seq", "id", "team_id", "project_id", "type", "data", "created_at" from "events" where "dispatched_at" is null order by "seq" limit ?",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });

  it('on PostgreSQL: the dispatcher advisory lock, then the oldest undispatched events FOR UPDATE SKIP LOCKED', async () => {
    expect(await recorded('postgres', (trx, caps) => claimEventsToFanOut(trx, caps, 200), granted)).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [],
          "sql": "select pg_try_advisory_xact_lock(hashtext('labelhook_dispatch:' || current_schema())) as ok",
        },
        {
          "parameters": [
            200,
          ],
          "sql": "select "seq", "id", "team_id", "project_id", "type", "data", "created_at" from "events" where "dispatched_at" is null order by "seq" limit $1 for update skip locked",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });

  it('on PostgreSQL: no event select when another dispatcher holds the lock', async () => {
    const statements = await recorded('postgres', (trx, caps) => claimEventsToFanOut(trx, caps, 200), () => [{ ok: false }]);
    expect(statements.map((s) => s.sql.split(' ')[0])).toEqual(['begin', 'select', 'commit']);
    expect(statements[1]!.sql).toContain('pg_try_advisory_xact_lock');
  });
});

describe('mark events dispatched and insert deliveries', () => {
  const row = { ...deliveryRow('dlv_1', { team_id: 'team_1', webhook_id: 'wh_1', project_id: null, event_type: 'PROJECT_CREATED', event_ids: '["evt_1"]', event_seq: 7, payload: '{}', item_count: 1, batch_open: 0, batch_records: null, next_attempt_at: 1_000 }, 1_000), message_id: 'msg_1' };
  const work = async (trx: Transaction<DatabaseSchema>) => {
    await insertDeliveries(trx, [row]);
    await markEventsDispatched(trx, [7, 8], 1_000);
  };

  it('on SQLite', async () => {
    expect(await recorded('sqlite', work)).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            "dlv_1",
            "msg_1",
            "pending",
            0,
            0,
            null,
            null,
            null,
            null,
            1000,
            1000,
            null,
            "team_1",
            "wh_1",
            null,
            "PROJECT_CREATED",
            "["evt_1"]",
            7,
            "{}",
            1,
            0,
            null,
            1000,
          ],
          "sql": "insert into "deliveries" ("id", "message_id", "status", "attempt_count", "schedule_start", "lease_owner", "lease_expires_at", "last_status", "last_error", "created_at", "updated_at", "completed_at", "team_id", "webhook_id", "project_id", "event_type", "event_ids", "event_seq", "payload", "item_count", "batch_open", "batch_records", "next_attempt_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        },
        {
          "parameters": [
            1000,
            7,
            8,
          ],
          "sql": "update "events" set "dispatched_at" = ? where "seq" in (?, ?)",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });

  it('on PostgreSQL', async () => {
    expect(await recorded('postgres', work)).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            "dlv_1",
            "msg_1",
            "pending",
            0,
            0,
            null,
            null,
            null,
            null,
            1000,
            1000,
            null,
            "team_1",
            "wh_1",
            null,
            "PROJECT_CREATED",
            "["evt_1"]",
            7,
            "{}",
            1,
            0,
            null,
            1000,
          ],
          "sql": "insert into "deliveries" ("id", "message_id", "status", "attempt_count", "schedule_start", "lease_owner", "lease_expires_at", "last_status", "last_error", "created_at", "updated_at", "completed_at", "team_id", "webhook_id", "project_id", "event_type", "event_ids", "event_seq", "payload", "item_count", "batch_open", "batch_records", "next_attempt_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
        },
        {
          "parameters": [
            1000,
            7,
            8,
          ],
          "sql": "update "events" set "dispatched_at" = $1 where "seq" in ($2, $3)",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });
});

describe('lock open batches', () => {
  it('on SQLite: a plain select', async () => {
    expect(await recorded('sqlite', (trx, caps) => lockOpenBatches(trx, caps, ['wh_1', 'wh_2']))).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            "wh_1",
            "wh_2",
            1,
            "pending",
          ],
          "sql": "select "id", "webhook_id", "team_id", "project_id", "event_type", "event_ids", "event_seq", "batch_records", "payload", "created_at", "next_attempt_at" from "deliveries" where "webhook_id" in (?, ?) and "batch_open" = ? and "status" = ?",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });

  it('on PostgreSQL: FOR UPDATE', async () => {
    expect(await recorded('postgres', (trx, caps) => lockOpenBatches(trx, caps, ['wh_1', 'wh_2']))).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            "wh_1",
            "wh_2",
            1,
            "pending",
          ],
          "sql": "select "id", "webhook_id", "team_id", "project_id", "event_type", "event_ids", "event_seq", "batch_records", "payload", "created_at", "next_attempt_at" from "deliveries" where "webhook_id" in ($1, $2) and "batch_open" = $3 and "status" = $4 for update",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });
});

describe('lock a project row and a document row', () => {
  const work = async (trx: Transaction<DatabaseSchema>, caps: StoreCapabilities) => {
    await lockProjectRow(trx, caps, 'prj_1', 'team_1');
    await lockDocumentRow(trx, caps, 'doc_1');
  };

  it('on SQLite: the project select and no document statement', async () => {
    expect(await recorded('sqlite', work)).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            "prj_1",
            "team_1",
          ],
          "sql": "select * from "projects" where "id" = ? and "team_id" = ?",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });

  it('on PostgreSQL: both FOR UPDATE', async () => {
    expect(await recorded('postgres', work)).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            "prj_1",
            "team_1",
          ],
          "sql": "select * from "projects" where "id" = $1 and "team_id" = $2 for update",
        },
        {
          "parameters": [
            "doc_1",
          ],
          "sql": "select "id" from "documents" where "id" = $1 for update",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });
});
