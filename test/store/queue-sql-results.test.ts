import { describe, expect, it } from 'vitest';
import {
  clearFailingSince,
  disableAndCancel,
  disableLongFailing,
  existingDeliveryIds,
  insertAttempts,
  markFailingSince,
  recordAttemptState,
  recordSucceeded,
} from '../../src/store/queue/results.js';
import type { AttemptTable } from '../../src/store/schema.js';
import { recordingStore } from './recording-store.js';

// The statements that record delivery results, as each database receives them. They run once per batch of results
// on the hot path of every delivery: measure it (npm run bench -- --only delivery) before taking a new snapshot.

const ATTEMPT: AttemptTable = {
  id: 'att_1',
  team_id: 'team_1',
  delivery_id: 'dlv_1',
  webhook_id: 'wh_1',
  attempt_no: 1,
  at: 1_000,
  request_url: 'http://127.0.0.1:9/hook',
  request_headers: '{}',
  request_body: null,
  response_status: 500,
  response_headers: null,
  response_body: null,
  duration_ms: 3,
  error: null,
  outcome: 'retryable',
};

/** Every result statement once, in the order writeResults runs them (the existence check only after an update that matched fewer rows than it was given). */
async function recordAll(dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const store = recordingStore(dialect);
  await recordAttemptState(store.db, 'wrk_a', 'dlv_1', { status: 'pending', next_attempt_at: 61_000, completed_at: null, last_status: 500, last_error: 'HTTP 500' }, 1_000);
  await recordSucceeded(store.db, 'wrk_a', ['dlv_2', 'dlv_3'], 200, 1_000);
  await existingDeliveryIds(store.db, ['dlv_1', 'dlv_2']);
  await insertAttempts(store.db, [ATTEMPT]);
  await disableAndCancel(store.db, ['wh_2'], 'wrk_a', 'gone', 1_000);
  await clearFailingSince(store.db, ['wh_3']);
  await markFailingSince(store.db, ['wh_1'], 1_000);
  await disableLongFailing(store.db, ['wh_1'], 500, 'failing', 1_000);
  return store.statements.map((s) => `${s.sql} -- ${JSON.stringify(s.parameters)}`);
}

describe('record delivery results', () => {
  it('on SQLite', async () => {
    expect(await recordAll('sqlite')).toMatchInlineSnapshot(`
      [
        "update "deliveries" set "status" = ?, "next_attempt_at" = ?, "completed_at" = ?, "attempt_count" = "attempt_count" + ?, "last_status" = ?, "last_error" = ?, "lease_owner" = ?, "lease_expires_at" = ?, "updated_at" = ? where "id" = ? and "status" = 'delivering' and "lease_owner" = ? -- ["pending",61000,null,1,500,"HTTP 500",null,null,1000,"dlv_1","wrk_a"]",
        "update "deliveries" set "status" = ?, "attempt_count" = "attempt_count" + ?, "last_status" = ?, "last_error" = ?, "lease_owner" = ?, "lease_expires_at" = ?, "next_attempt_at" = ?, "completed_at" = ?, "updated_at" = ? where "id" in (?, ?) and "status" = 'delivering' and "lease_owner" = ? -- ["succeeded",1,200,null,null,null,1000,1000,1000,"dlv_2","dlv_3","wrk_a"]",
        "select "id" from "deliveries" where "id" in (?, ?) -- ["dlv_1","dlv_2"]",
        "insert into "attempts" ("id", "team_id", "delivery_id", "webhook_id", "attempt_no", "at", "request_url", "request_headers", "request_body", "response_status", "response_headers", "response_body", "duration_ms", "error", "outcome") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) -- ["att_1","team_1","dlv_1","wh_1",1,1000,"http://127.0.0.1:9/hook","{}",null,500,null,null,3,null,"retryable"]",
        "update "webhooks" set "enabled" = ?, "disabled_reason" = ?, "updated_at" = ? where "id" in (?) -- [0,"gone",1000,"wh_2"]",
        "update "deliveries" set "status" = ?, "completed_at" = ?, "updated_at" = ?, "lease_owner" = ?, "lease_expires_at" = ?, "batch_open" = ?, "batch_records" = ? where "webhook_id" in (?) and ("status" = 'pending' or "status" = 'delivering') and ("status" = 'pending' or "lease_owner" = ?) -- ["cancelled",1000,1000,null,null,0,null,"wh_2","wrk_a"]",
        "update "webhooks" set "failing_since" = ? where "id" in (?) and "failing_since" is not null -- [null,"wh_3"]",
        "update "webhooks" set "failing_since" = ? where "id" in (?) and "failing_since" is null -- [1000,"wh_1"]",
        "update "webhooks" set "enabled" = ?, "disabled_reason" = ?, "updated_at" = ? where "id" in (?) and "enabled" = ? and "failing_since" <= ? returning "id" -- [0,"failing",1000,"wh_1",1,500]",
      ]
    `);
  });

  it('on PostgreSQL: the same statements with numbered parameters', async () => {
    expect(await recordAll('postgres')).toMatchInlineSnapshot(`
      [
        "update "deliveries" set "status" = $1, "next_attempt_at" = $2, "completed_at" = $3, "attempt_count" = "attempt_count" + $4, "last_status" = $5, "last_error" = $6, "lease_owner" = $7, "lease_expires_at" = $8, "updated_at" = $9 where "id" = $10 and "status" = 'delivering' and "lease_owner" = $11 -- ["pending",61000,null,1,500,"HTTP 500",null,null,1000,"dlv_1","wrk_a"]",
        "update "deliveries" set "status" = $1, "attempt_count" = "attempt_count" + $2, "last_status" = $3, "last_error" = $4, "lease_owner" = $5, "lease_expires_at" = $6, "next_attempt_at" = $7, "completed_at" = $8, "updated_at" = $9 where "id" in ($10, $11) and "status" = 'delivering' and "lease_owner" = $12 -- ["succeeded",1,200,null,null,null,1000,1000,1000,"dlv_2","dlv_3","wrk_a"]",
        "select "id" from "deliveries" where "id" in ($1, $2) -- ["dlv_1","dlv_2"]",
        "insert into "attempts" ("id", "team_id", "delivery_id", "webhook_id", "attempt_no", "at", "request_url", "request_headers", "request_body", "response_status", "response_headers", "response_body", "duration_ms", "error", "outcome") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) -- ["att_1","team_1","dlv_1","wh_1",1,1000,"http://127.0.0.1:9/hook","{}",null,500,null,null,3,null,"retryable"]",
        "update "webhooks" set "enabled" = $1, "disabled_reason" = $2, "updated_at" = $3 where "id" in ($4) -- [0,"gone",1000,"wh_2"]",
        "update "deliveries" set "status" = $1, "completed_at" = $2, "updated_at" = $3, "lease_owner" = $4, "lease_expires_at" = $5, "batch_open" = $6, "batch_records" = $7 where "webhook_id" in ($8) and ("status" = 'pending' or "status" = 'delivering') and ("status" = 'pending' or "lease_owner" = $9) -- ["cancelled",1000,1000,null,null,0,null,"wh_2","wrk_a"]",
        "update "webhooks" set "failing_since" = $1 where "id" in ($2) and "failing_since" is not null -- [null,"wh_3"]",
        "update "webhooks" set "failing_since" = $1 where "id" in ($2) and "failing_since" is null -- [1000,"wh_1"]",
        "update "webhooks" set "enabled" = $1, "disabled_reason" = $2, "updated_at" = $3 where "id" in ($4) and "enabled" = $5 and "failing_since" <= $6 returning "id" -- [0,"failing",1000,"wh_1",1,500]",
      ]
    `);
  });

  it('pads an id list to a power of two with its last id, and splits attempt rows into power-of-two inserts', async () => {
    const store = recordingStore('sqlite');
    await recordSucceeded(store.db, 'wrk_a', ['dlv_1', 'dlv_2', 'dlv_3'], 200, 1_000);
    await insertAttempts(store.db, [ATTEMPT, { ...ATTEMPT, id: 'att_2' }, { ...ATTEMPT, id: 'att_3' }]);
    const ids = store.statements.map((s) => ({ sql: s.sql.replace(/^(\w+).* (where "id" in \([^)]*\)).*$/, '$1 … $2').replace(/^(insert into "attempts") .*$/, '$1 …'), ids: s.parameters.filter((p) => typeof p === 'string' && /^(dlv|att)_/.test(p)) }));
    expect(ids).toEqual([
      { sql: 'update … where "id" in (?, ?, ?, ?)', ids: ['dlv_1', 'dlv_2', 'dlv_3', 'dlv_3'] },
      { sql: 'insert into "attempts" …', ids: ['att_1', 'dlv_1', 'att_2', 'dlv_1'] },
      { sql: 'insert into "attempts" …', ids: ['att_3', 'dlv_1'] },
    ]);
  });
});
