import type { Kysely } from 'kysely';

/**
 * The delivery workers alive on a PostgreSQL database, each beating about once a second: a worker silent for
 * longer than the heartbeat timeout is taken for dead and its leases are given back at once, instead of after
 * they expire. SQLite gets the table too (one schema for both) but leaves it empty: its worker lock proves liveness.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_beat_at', 'bigint', (c) => c.notNull())
    .execute();
}
