import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

// Index names and predicates are written out here, not imported: a migration must not change when application code does.

/**
 * Fewer index entries per delivery (issue 14; docs/architecture.md "Queue schema"). Every delivery inserts one
 * deliveries row, updates it twice (claim, result) and inserts one attempts row, and each write pays for every index
 * it touches.
 * - deliveries_line (webhook_id, project_id, event_seq) serves no statement: the ordered-line check reads the
 *   webhook's unfinished deliveries through deliveries_webhook_due.
 * - attempts_at_all (at): retention and the team-wide statistics find attempts by time through the primary key,
 *   since an attempt's id starts with its `at` (newId('att', at)).
 * - PostgreSQL only: the due indexes keep unfinished deliveries only (`WHERE status IN ('pending', 'delivering')`),
 *   so a delivery that ends leaves them instead of moving, and the open-batch index keeps open batches only
 *   (`WHERE batch_open = 1`). An update there writes a new entry in every index whose predicate the row meets
 *   (status changes are never HOT updates), so a partial index skips most of them. PostgreSQL plans each statement
 *   with its parameter values and proves `status = 'pending'` implies the predicate.
 *   SQLite keeps them whole: it matches a partial index against a bound parameter (`status = ?`, the claim's
 *   `batch_open = ?`) only by preparing the statement again at every run, which costs more than the index saves.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema.dropIndex('deliveries_line').execute();
  await db.schema.dropIndex('attempts_at_all').execute();
  if (dialect !== 'postgres') return;
  await db.schema.dropIndex('deliveries_open_batch').execute();
  await db.schema.createIndex('deliveries_open_batch').on('deliveries').columns(['webhook_id', 'status']).where(sql.ref('batch_open'), '=', sql.lit(1)).execute();
  const live = sql<boolean>`status in ('pending', 'delivering')`;
  await db.schema.createIndex('deliveries_live_due').on('deliveries').columns(['status', 'next_attempt_at', 'id']).where(live).execute();
  await db.schema.createIndex('deliveries_live_webhook_due').on('deliveries').columns(['webhook_id', 'status', 'next_attempt_at', 'id']).where(live).execute();
  await db.schema.dropIndex('deliveries_due_order').execute();
  await db.schema.dropIndex('deliveries_webhook_due').execute();
}
