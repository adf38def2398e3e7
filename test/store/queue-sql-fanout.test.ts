import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreCapabilities } from '../../src/store/capabilities.js';
import type { DialectName } from '../../src/store/dialect.js';
import { claimEventsToFanOut, insertDeliveries, lockOpenBatches, markEventsDispatched } from '../../src/store/queue/fan-out.js';
import { lockDocumentRow, lockProjectRow } from '../../src/store/row-locks.js';
import type { DatabaseSchema } from '../../src/store/schema.js';
import { deliveryRow } from '../../src/webhooks/fanout/delivery-row.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js';
import { recordingStore, type Answer } from './recording-store.js';

// The fan-out pass's statements and the domain's row locks as each database receives them (inside a transaction,
// as their callers run them).

async function recorded(dialect: DialectName, work: (trx: Transaction<DatabaseSchema>, caps: StoreCapabilities) => Promise<unknown>, answer?: Answer) {
  const store = recordingStore(dialect, answer);
  await store.db.transaction().execute((trx) => work(trx, store.capabilities));
  return store.statements;
}


describe('claim events to fan out', () => {
  it('on SQLite: the oldest undispatched events', async () => {
    expect(await recorded('sqlite', (trx, caps) => claimEventsToFanOut(trx, caps, 200))).toMatchInlineSnapshot(`
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

  it('on PostgreSQL: the oldest undispatched events FOR UPDATE SKIP LOCKED, under the dispatcher lock tried in the same statement', async () => {
    expect(await recorded('postgres', (trx, caps) => claimEventsToFanOut(trx, caps, 200))).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            200,
          ],
          "sql": "select "seq", "id", "team_id", "project_id", "type", "data", "created_at" from "events" where "dispatched_at" is null and (select pg_try_advisory_xact_lock(hashtext('labelhook_dispatch:' || current_schema()))) order by "seq" limit $1 for update skip locked",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });
});

describe.runIf(BACKENDS.includes('postgres'))('the dispatcher lock (postgres)', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase('postgres');
    await d.store.db.insertInto('teams').values({ id: 'team_lock', name: 'Lock', created_at: 1 }).execute();
    await d.store.db.insertInto('events').values({ id: 'evt_lock', team_id: 'team_lock', project_id: null, type: 'PROJECT_CREATED', actor: null, data: '{}', created_at: 1, dispatched_at: null }).execute();
  });
  afterAll(async () => d.drop());

  it('takes no event while another dispatcher holds the lock, and the event once it is free', async () => {
    const claim = () => d.store.db.transaction().execute((trx) => claimEventsToFanOut(trx, d.store.capabilities, 200));
    await d.store.db.connection().execute(async (other) => {
      await sql`begin`.execute(other);
      await sql`select pg_advisory_xact_lock(hashtext('labelhook_dispatch:' || current_schema()))`.execute(other);
      expect(await claim()).toEqual([]);
      await sql`commit`.execute(other);
    });
    expect((await claim()).map((e) => e.id)).toEqual(['evt_lock']);
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
          ],
          "sql": "select "id", "webhook_id", "team_id", "project_id", "event_type", "event_ids", "event_seq", "batch_records", "payload", "created_at", "next_attempt_at" from "deliveries" where "webhook_id" in (?, ?) and "batch_open" = ? and "status" = 'pending'",
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
          ],
          "sql": "select "id", "webhook_id", "team_id", "project_id", "event_type", "event_ids", "event_seq", "batch_records", "payload", "created_at", "next_attempt_at" from "deliveries" where "webhook_id" in ($1, $2) and "batch_open" = $3 and "status" = 'pending' for update",
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
