import type { Kysely } from 'kysely';

/** Every project read and change counts the project's labels: without this index that count scans every label. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('labels_project').on('labels').columns(['project_id']).execute();
}
