import type { Kysely } from 'kysely';

/**
 * Deliveries keep the records of a batch that is still open (so the dispatcher can append to it and re-render
 * the body), and the attempt count at which the current retry schedule started (a replay or redelivery starts a
 * fresh schedule while attempt numbers keep counting up).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('batch_records', 'text').execute();
  await db.schema
    .alterTable('deliveries')
    .addColumn('schedule_start', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The dispatcher looks up the open batch of a (webhook, project, event type) for every fan-out.
  await db.schema.createIndex('deliveries_open_batch').on('deliveries').columns(['webhook_id', 'batch_open']).execute();
  // Retention prunes attempt bodies by age across all webhooks.
  await db.schema.createIndex('attempts_at_all').on('attempts').column('at').execute();
}
