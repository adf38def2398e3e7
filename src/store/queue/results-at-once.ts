import { sql, type Kysely } from 'kysely';
import type { AttemptTable, DatabaseSchema } from '../schema.js';
import { nameStatement } from '../statement-names.js';

// The common result batch, every attempt a success with the same status, in ONE statement on PostgreSQL, where
// each statement is a round trip (store.capabilities.statementsAreRoundTrips): the attempt rows, the deliveries'
// new state and the end of their webhooks' failure streaks, instead of a transaction of five or six round trips.
// Arrays (unnest, = any) keep one statement text for every batch size, so it is parsed once per connection.

/** What one all-succeeded result batch writes. */
export interface SucceededBatch {
  /** Lease owner the deliveries must still be leased to (a re-claimed delivery keeps its newer state). */
  owner: string;
  attempts: readonly AttemptTable[];
  /** The deliveries whose attempts succeeded. */
  deliveryIds: readonly string[];
  /** The HTTP status every attempt answered. */
  status: number;
  /** Their webhooks, whose failure streaks end. */
  webhookIds: readonly string[];
  now: number;
}

const column = <K extends keyof AttemptTable>(rows: readonly AttemptTable[], key: K): AttemptTable[K][] => rows.map((r) => r[key]);

/** PostgreSQL's SQLSTATE for a foreign key violation. */
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Records `batch` in one atomic statement; answers how many deliveries it updated (fewer than listed: leased again
 * elsewhere, their attempts logged all the same). Answers null, having changed nothing, when a delivery is gone (its
 * webhook was deleted: the attempt's foreign key fails the statement); the caller then records the batch the
 * careful way.
 */
export async function recordSucceededAtOnce(db: Kysely<DatabaseSchema>, batch: SucceededBatch): Promise<number | null> {
  const a = batch.attempts;
  const query = sql<{ n: number }>`with a as (
  insert into attempts (id, team_id, delivery_id, webhook_id, attempt_no, at, request_url, request_headers, request_body, response_status, response_headers, response_body, duration_ms, error, outcome)
  select * from unnest(${column(a, 'id')}::text[], ${column(a, 'team_id')}::text[], ${column(a, 'delivery_id')}::text[], ${column(a, 'webhook_id')}::text[], ${column(a, 'attempt_no')}::int[], ${column(a, 'at')}::bigint[], ${column(a, 'request_url')}::text[], ${column(a, 'request_headers')}::text[], ${column(a, 'request_body')}::text[], ${column(a, 'response_status')}::int[], ${column(a, 'response_headers')}::text[], ${column(a, 'response_body')}::text[], ${column(a, 'duration_ms')}::int[], ${column(a, 'error')}::text[], ${column(a, 'outcome')}::text[])
), s as (
  update deliveries set status = 'succeeded', attempt_count = attempt_count + 1, last_status = ${batch.status}, last_error = null, lease_owner = null, lease_expires_at = null, next_attempt_at = ${batch.now}, completed_at = ${batch.now}, updated_at = ${batch.now}
  where id = any(${batch.deliveryIds}::text[]) and status = 'delivering' and lease_owner = ${batch.owner}
  returning 1
), f as (
  update webhooks set failing_since = null where id = any(${batch.webhookIds}::text[]) and failing_since is not null
)
select count(*)::int as n from s`.compile(db);
  nameStatement(query.sql);
  try {
    const result = await db.executeQuery(query);
    return Number(result.rows[0]?.n ?? 0);
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === FOREIGN_KEY_VIOLATION) return null;
    throw err;
  }
}
