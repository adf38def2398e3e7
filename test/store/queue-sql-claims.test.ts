import { describe, expect, it } from 'vitest';
import { claimDeliveries, nextDueAt, type ClaimRequest } from '../../src/store/queue/delivery-claims.js';
import { releaseEveryLease, releaseHeldLeases, renewHeldLeases } from '../../src/store/queue/leases.js';
import { recordingStore, type Answer } from './recording-store.js';

// The delivery queue's statements as each database receives them. A change here changes the hot path of every
// delivery: measure it (npm run bench -- --only delivery) before taking a new snapshot.

const REQ: ClaimRequest = { now: 1_000, owner: 'wrk_a', leaseMs: 30_000, limit: 50, perWebhook: 10, concurrency: 4, exclude: ['wh_full'] };

/**
 * The pending select finds one delivery, the expired one another: so both updates of the claim run. On PostgreSQL
 * the claim locks wh_1 and wh_2 first; wh_2 has one delivery leased to another worker and one to this one, so its
 * share is 4 − 1 − 1 = 2, and wh_3 is held by others up to the concurrency (share 0: its rows are not even read).
 */
const candidates: Answer = (sql) => {
  if (sql.startsWith('select "c"."id"')) return [{ id: 'dlv_1', webhook_id: 'wh_1', next_attempt_at: 900 }];
  if (sql.startsWith('select "d"."id"')) return [{ id: 'dlv_2', webhook_id: 'wh_2', next_attempt_at: 950 }];
  if (sql.startsWith('select "w"."id" from')) return [{ id: 'wh_1' }, { id: 'wh_2' }, { id: 'wh_3' }];
  if (sql.startsWith('select "w"."id", (')) {
    return [
      { id: 'wh_1', others: '0', mine: '3' },
      { id: 'wh_2', others: '1', mine: '1' },
      { id: 'wh_3', others: '4', mine: '0' },
    ];
  }
  return [];
};

describe('claim due deliveries', () => {
  it('on SQLite: a correlated IN probe per webhook, expired leases, then the batch close and the lease stamp', async () => {
    const store = recordingStore('sqlite', candidates);
    await claimDeliveries(store, REQ);
    expect(store.statements).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            1000,
            0,
            1000,
            10,
            1,
            "wh_full",
            50,
          ],
          "sql": "select "c"."id", "c"."webhook_id", "c"."next_attempt_at" from "webhooks" as "w" inner join "deliveries" as "c" on "c"."id" in (select "d"."id" from "deliveries" as "d" where "d"."webhook_id" = "w"."id" and "d"."status" = 'pending' and "d"."next_attempt_at" <= ? and ("w"."ordered" = ? or not exists (select 1 as "one" from "deliveries" as "e" where "e"."webhook_id" = "d"."webhook_id" and (e.project_id = d.project_id or (e.project_id is null and d.project_id is null)) and "e"."id" <> "d"."id" and ("e"."status" = 'pending' or "e"."status" = 'delivering') and (("e"."status" = 'delivering' and "e"."next_attempt_at" > ?) or "e"."event_seq" < "d"."event_seq" or ("e"."event_seq" = "d"."event_seq" and "e"."id" < "d"."id")))) order by "d"."next_attempt_at", "d"."id" limit ?) where "w"."enabled" = ? and "w"."id" not in (?) order by "c"."next_attempt_at", "c"."id" limit ?",
        },
        {
          "parameters": [
            1000,
            1,
            0,
            1000,
            "wh_full",
            50,
          ],
          "sql": "select "d"."id", "d"."webhook_id", "d"."next_attempt_at" from "deliveries" as "d" inner join "webhooks" as "w" on "w"."id" = "d"."webhook_id" where "d"."status" = 'delivering' and "d"."next_attempt_at" <= ? and "w"."enabled" = ? and ("w"."ordered" = ? or not exists (select 1 as "one" from "deliveries" as "e" where "e"."webhook_id" = "d"."webhook_id" and (e.project_id = d.project_id or (e.project_id is null and d.project_id is null)) and "e"."id" <> "d"."id" and ("e"."status" = 'pending' or "e"."status" = 'delivering') and (("e"."status" = 'delivering' and "e"."next_attempt_at" > ?) or "e"."event_seq" < "d"."event_seq" or ("e"."event_seq" = "d"."event_seq" and "e"."id" < "d"."id")))) and "d"."webhook_id" not in (?) order by "d"."next_attempt_at", "d"."id" limit ?",
        },
        {
          "parameters": [
            0,
            null,
            "dlv_1",
            "dlv_2",
            1,
          ],
          "sql": "update "deliveries" set "batch_open" = ?, "batch_records" = ? where "id" in (?, ?) and "batch_open" = ?",
        },
        {
          "parameters": [
            "delivering",
            "wrk_a",
            31000,
            31000,
            1000,
            "dlv_1",
            "dlv_2",
          ],
          "sql": "update "deliveries" set "status" = ?, "lease_owner" = ?, "lease_expires_at" = ?, "next_attempt_at" = ?, "updated_at" = ? where "id" in (?, ?) returning *",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });

  it('on PostgreSQL: locks the webhooks with due work, counts what workers hold of them, then a LATERAL probe per webhook with a share and the expired leases, FOR UPDATE SKIP LOCKED', async () => {
    const store = recordingStore('postgres', candidates);
    await claimDeliveries(store, REQ);
    expect(store.statements).toMatchInlineSnapshot(`
      [
        {
          "parameters": [],
          "sql": "begin",
        },
        {
          "parameters": [
            1,
            "pending",
            1000,
            "delivering",
            1000,
            "delivering",
            1000,
            "wrk_a",
            4,
            4,
            "wh_full",
            13,
          ],
          "sql": "select "w"."id" from "webhooks" as "w" where "w"."enabled" = $1 and ((select 1 as "one" from "deliveries" as "d" where "d"."webhook_id" = "w"."id" and "d"."status" = $2 and "d"."next_attempt_at" <= $3 limit 1) is not null or (select 1 as "one" from "deliveries" as "d" where "d"."webhook_id" = "w"."id" and "d"."status" = $4 and "d"."next_attempt_at" <= $5 limit 1) is not null) and (select count(*) as "n" from (select 1 as "one" from "deliveries" as "h" where "h"."webhook_id" = "w"."id" and "h"."status" = $6 and "h"."next_attempt_at" > $7 and "h"."lease_owner" <> $8 limit $9) as "held") < $10 and "w"."id" not in ($11) order by random() limit $12 for no key update skip locked",
        },
        {
          "parameters": [
            "delivering",
            1000,
            "wrk_a",
            4,
            "delivering",
            1000,
            "wrk_a",
            4,
            "wh_1",
            "wh_2",
            "wh_3",
            "wh_3",
          ],
          "sql": "select "w"."id", (select count(*) as "n" from (select 1 as "one" from "deliveries" as "h" where "h"."webhook_id" = "w"."id" and "h"."status" = $1 and "h"."next_attempt_at" > $2 and "h"."lease_owner" <> $3 limit $4) as "held") as "others", (select count(*) as "n" from (select 1 as "one" from "deliveries" as "h" where "h"."webhook_id" = "w"."id" and "h"."status" = $5 and "h"."next_attempt_at" > $6 and "h"."lease_owner" = $7 limit $8) as "held") as "mine" from "webhooks" as "w" where "w"."id" in ($9, $10, $11, $12)",
        },
        {
          "parameters": [
            1000,
            0,
            1000,
            10,
            "wh_1",
            "wh_2",
            50,
          ],
          "sql": "select "c"."id", "c"."webhook_id", "c"."next_attempt_at" from "webhooks" as "w" inner join lateral (select "d"."id", "d"."webhook_id", "d"."next_attempt_at" from "deliveries" as "d" where "d"."webhook_id" = "w"."id" and "d"."status" = 'pending' and "d"."next_attempt_at" <= $1 and ("w"."ordered" = $2 or not exists (select 1 as "one" from "deliveries" as "e" where "e"."webhook_id" = "d"."webhook_id" and (e.project_id = d.project_id or (e.project_id is null and d.project_id is null)) and "e"."id" <> "d"."id" and "e"."status" in ('pending', 'delivering') and (("e"."status" = 'delivering' and "e"."next_attempt_at" > $3) or "e"."event_seq" < "d"."event_seq" or ("e"."event_seq" = "d"."event_seq" and "e"."id" < "d"."id")))) order by "d"."next_attempt_at", "d"."id" limit $4 for update skip locked) as "c" on true where "w"."id" in ($5, $6) order by "c"."next_attempt_at", "c"."id" limit $7",
        },
        {
          "parameters": [
            1000,
            1,
            0,
            1000,
            "wh_1",
            "wh_2",
            50,
          ],
          "sql": "select "d"."id", "d"."webhook_id", "d"."next_attempt_at" from "deliveries" as "d" inner join "webhooks" as "w" on "w"."id" = "d"."webhook_id" where "d"."status" = 'delivering' and "d"."next_attempt_at" <= $1 and "w"."enabled" = $2 and ("w"."ordered" = $3 or not exists (select 1 as "one" from "deliveries" as "e" where "e"."webhook_id" = "d"."webhook_id" and (e.project_id = d.project_id or (e.project_id is null and d.project_id is null)) and "e"."id" <> "d"."id" and "e"."status" in ('pending', 'delivering') and (("e"."status" = 'delivering' and "e"."next_attempt_at" > $4) or "e"."event_seq" < "d"."event_seq" or ("e"."event_seq" = "d"."event_seq" and "e"."id" < "d"."id")))) and "d"."webhook_id" in ($5, $6) order by "d"."next_attempt_at", "d"."id" limit $7 for update of "d" skip locked",
        },
        {
          "parameters": [
            "delivering",
            "wrk_a",
            31000,
            31000,
            1000,
            0,
            "dlv_1",
            "dlv_2",
          ],
          "sql": "update "deliveries" set "status" = $1, "lease_owner" = $2, "lease_expires_at" = $3, "next_attempt_at" = $4, "updated_at" = $5, "batch_open" = $6, "batch_records" = case when batch_open = 1 then null else batch_records end where "id" in ($7, $8) returning *",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
  });

  it('on PostgreSQL without expired leases (every claim but one a second): the probe per webhook and the lease stamp are one statement, each webhook taking its share', async () => {
    const store = recordingStore('postgres', candidates);
    await claimDeliveries(store, { ...REQ, includeExpired: false });
    // wh_1 may take 10 (no other worker holds any: perWebhook), wh_2 its share of 2; wh_3 none, so it is not probed.
    expect(store.statements.slice(3)).toMatchInlineSnapshot(`
      [
        {
          "parameters": [
            "delivering",
            "wrk_a",
            31000,
            31000,
            1000,
            0,
            1000,
            0,
            1000,
            [
              10,
              2,
            ],
            [
              "wh_1",
              "wh_2",
            ],
            [
              "wh_1",
              "wh_2",
            ],
            50,
          ],
          "sql": "update "deliveries" set "status" = $1, "lease_owner" = $2, "lease_expires_at" = $3, "next_attempt_at" = $4, "updated_at" = $5, "batch_open" = $6, "batch_records" = case when batch_open = 1 then null else batch_records end where "id" in (select "c"."id" from "webhooks" as "w" inner join lateral (select "d"."id", "d"."next_attempt_at" from "deliveries" as "d" where "d"."webhook_id" = "w"."id" and "d"."status" = 'pending' and "d"."next_attempt_at" <= $7 and ("w"."ordered" = $8 or not exists (select 1 as "one" from "deliveries" as "e" where "e"."webhook_id" = "d"."webhook_id" and (e.project_id = d.project_id or (e.project_id is null and d.project_id is null)) and "e"."id" <> "d"."id" and "e"."status" in ('pending', 'delivering') and (("e"."status" = 'delivering' and "e"."next_attempt_at" > $9) or "e"."event_seq" < "d"."event_seq" or ("e"."event_seq" = "d"."event_seq" and "e"."id" < "d"."id")))) order by "d"."next_attempt_at", "d"."id" limit ($10::int[])[array_position($11::text[], "w"."id")] for update skip locked) as "c" on true where "w"."id" = any($12::text[]) order by "c"."next_attempt_at", "c"."id" limit $13) returning *",
        },
        {
          "parameters": [],
          "sql": "commit",
        },
      ]
    `);
    expect(store.statements.map((s) => s.sql.split(' ')[0])).toEqual(['begin', 'select', 'select', 'update', 'commit']);
  });

  it('runs no statement for a zero limit and stops after the selects when nothing is due', async () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const idle = recordingStore(dialect);
      await claimDeliveries(idle, { ...REQ, limit: 0 });
      expect(idle.statements).toEqual([]);
      const empty = recordingStore(dialect);
      await claimDeliveries(empty, { ...REQ, exclude: [], includeExpired: false });
      expect(empty.statements.map((s) => s.sql.split(' ')[0])).toEqual(['begin', 'select', 'commit']);
    }
  });
});

describe('next due time', () => {
  it('on SQLite', async () => {
    const store = recordingStore('sqlite');
    await nextDueAt(store, 1_000);
    expect(store.statements).toMatchInlineSnapshot(`
      [
        {
          "parameters": [
            1000,
            1,
          ],
          "sql": "select "next_attempt_at" from "deliveries" where "status" = 'pending' and "next_attempt_at" > ? order by "next_attempt_at" limit ?",
        },
        {
          "parameters": [
            1000,
            1,
          ],
          "sql": "select "next_attempt_at" from "deliveries" where "status" = 'delivering' and "next_attempt_at" > ? order by "next_attempt_at" limit ?",
        },
      ]
    `);
  });

  it('on PostgreSQL', async () => {
    const store = recordingStore('postgres');
    await nextDueAt(store, 1_000);
    expect(store.statements).toMatchInlineSnapshot(`
      [
        {
          "parameters": [
            1000,
            1,
          ],
          "sql": "select "next_attempt_at" from "deliveries" where "status" = 'pending' and "next_attempt_at" > $1 order by "next_attempt_at" limit $2",
        },
        {
          "parameters": [
            1000,
            1,
          ],
          "sql": "select "next_attempt_at" from "deliveries" where "status" = 'delivering' and "next_attempt_at" > $1 order by "next_attempt_at" limit $2",
        },
      ]
    `);
  });
});

describe('renew and release leases', () => {
  async function leaseStatements(dialect: 'sqlite' | 'postgres') {
    const store = recordingStore(dialect);
    await renewHeldLeases(store, 'wrk_a', ['dlv_1', 'dlv_2'], 31_000);
    await releaseHeldLeases(store, 'wrk_a', 2_000, ['dlv_1']);
    await releaseHeldLeases(store, 'wrk_a', 2_000);
    await releaseEveryLease(store, 3_000);
    return store.statements;
  }

  it('on SQLite: renew, release some, release all of an owner, release every lease', async () => {
    expect(await leaseStatements('sqlite')).toMatchInlineSnapshot(`
      [
        {
          "parameters": [
            31000,
            31000,
            "dlv_1",
            "dlv_2",
            "wrk_a",
          ],
          "sql": "update "deliveries" set "lease_expires_at" = ?, "next_attempt_at" = ? where "id" in (?, ?) and "status" = 'delivering' and "lease_owner" = ?",
        },
        {
          "parameters": [
            "pending",
            null,
            null,
            2000,
            2000,
            "wrk_a",
            "dlv_1",
          ],
          "sql": "update "deliveries" set "status" = ?, "lease_owner" = ?, "lease_expires_at" = ?, "next_attempt_at" = ?, "updated_at" = ? where "status" = 'delivering' and "lease_owner" = ? and "id" in (?)",
        },
        {
          "parameters": [
            "pending",
            null,
            null,
            2000,
            2000,
            "wrk_a",
          ],
          "sql": "update "deliveries" set "status" = ?, "lease_owner" = ?, "lease_expires_at" = ?, "next_attempt_at" = ?, "updated_at" = ? where "status" = 'delivering' and "lease_owner" = ?",
        },
        {
          "parameters": [
            "pending",
            null,
            null,
            3000,
            3000,
          ],
          "sql": "update "deliveries" set "status" = ?, "lease_owner" = ?, "lease_expires_at" = ?, "next_attempt_at" = ?, "updated_at" = ? where "status" = 'delivering'",
        },
      ]
    `);
  });

  it('on PostgreSQL: renew, release some, release all of an owner, release every lease', async () => {
    expect(await leaseStatements('postgres')).toMatchInlineSnapshot(`
      [
        {
          "parameters": [
            31000,
            31000,
            "dlv_1",
            "dlv_2",
            "wrk_a",
          ],
          "sql": "update "deliveries" set "lease_expires_at" = $1, "next_attempt_at" = $2 where "id" in ($3, $4) and "status" = 'delivering' and "lease_owner" = $5",
        },
        {
          "parameters": [
            "pending",
            null,
            null,
            2000,
            2000,
            "wrk_a",
            "dlv_1",
          ],
          "sql": "update "deliveries" set "status" = $1, "lease_owner" = $2, "lease_expires_at" = $3, "next_attempt_at" = $4, "updated_at" = $5 where "status" = 'delivering' and "lease_owner" = $6 and "id" in ($7)",
        },
        {
          "parameters": [
            "pending",
            null,
            null,
            2000,
            2000,
            "wrk_a",
          ],
          "sql": "update "deliveries" set "status" = $1, "lease_owner" = $2, "lease_expires_at" = $3, "next_attempt_at" = $4, "updated_at" = $5 where "status" = 'delivering' and "lease_owner" = $6",
        },
        {
          "parameters": [
            "pending",
            null,
            null,
            3000,
            3000,
          ],
          "sql": "update "deliveries" set "status" = $1, "lease_owner" = $2, "lease_expires_at" = $3, "next_attempt_at" = $4, "updated_at" = $5 where "status" = 'delivering'",
        },
      ]
    `);
  });
});
