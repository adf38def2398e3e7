import type { Kysely } from 'kysely';

/**
 * Every webhook has a request-body limit: list events go out in parts that each fit it. Existing webhooks get
 * the default (100 kB, Express's default JSON limit) so the commonest receiver stack works without a change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('webhooks')
    .addColumn('max_body_bytes', 'integer', (c) => c.notNull().defaultTo(102_400))
    .execute();
}
