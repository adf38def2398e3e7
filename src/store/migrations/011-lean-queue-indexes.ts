import type { Kysely } from 'kysely';

/**
 * Fewer index entries per delivery (issue 14; docs/architecture.md "Queue schema"). Every delivery inserts one
 * deliveries row, updates it twice (claim, result) and inserts one attempts row, and each write pays for every index
 * it touches (on PostgreSQL a status change is never a HOT update: each update adds an entry to every index).
 * - deliveries_line (webhook_id, project_id, event_seq) serves no statement: the ordered-line check reads the
 *   webhook's unfinished deliveries through deliveries_webhook_due.
 * - attempts_at_all (at): retention and the team-wide statistics find attempts by time through the primary key,
 *   since an attempt's id starts with its `at` (newId('att', at)).
 * Partial indexes were measured and left out: SQLite matches one against a bound parameter (`status = ?`) only by
 * preparing the statement again at every run, and on PostgreSQL the bench's delivery rows came out slower with the
 * due indexes restricted to unfinished deliveries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_line').execute();
  await db.schema.dropIndex('attempts_at_all').execute();
}
