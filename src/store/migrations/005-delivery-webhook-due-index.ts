import type { Kysely } from 'kysely';

/**
 * The claim reads each webhook's own due deliveries in (next_attempt_at, id) order. With the webhook leading the
 * index, a webhook at its limit (or hanging) costs the claim nothing however deep its backlog is, and a healthy
 * webhook's next deliveries are an index probe away whatever the others hold: the claim costs O(webhooks × log n).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('deliveries_webhook_due')
    .on('deliveries')
    .columns(['webhook_id', 'status', 'next_attempt_at', 'id'])
    .execute();
}
