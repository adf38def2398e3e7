import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

// Index names and predicates are written out here, not imported: a migration must not change when application code does.

/**
 * SQLite only: the two due indexes keep unfinished deliveries only (`WHERE status = 'pending' OR status =
 * 'delivering'`), under their old names and columns. A delivery that ends leaves them, so recording a result deletes
 * its entries instead of moving them, and the indexes stay as small as the queue however long the history grows.
 * SQLite proves a statement's `status = 'pending'` (or the same OR) implies the predicate from the statement's text:
 * the queue writes its statuses as literals (src/store/queue/status-literals.ts); a bound status would cost a
 * re-prepare at every run. The predicate is an OR, not an IN: SQLite matches `status = 'pending'` against one arm of
 * an OR, never against an IN list. PostgreSQL keeps the whole indexes (partial ones made its delivery rows slower,
 * migration 011).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'sqlite') return;
  const live = sql<boolean>`status = 'pending' or status = 'delivering'`;
  await db.schema.dropIndex('deliveries_due_order').execute();
  await db.schema.createIndex('deliveries_due_order').on('deliveries').columns(['status', 'next_attempt_at', 'id']).where(live).execute();
  await db.schema.dropIndex('deliveries_webhook_due').execute();
  await db.schema.createIndex('deliveries_webhook_due').on('deliveries').columns(['webhook_id', 'status', 'next_attempt_at', 'id']).where(live).execute();
}
