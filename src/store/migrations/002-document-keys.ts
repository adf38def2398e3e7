import type { Kysely } from 'kysely';

/**
 * A client's document `key` is unique within its project, and a member completes a document at most once per
 * mode. The application checks both first (for a clear 409); these indexes settle concurrent requests, and the
 * key index makes the duplicate check of a 10,000-document import an index lookup.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('documents_project_key').on('documents').columns(['project_id', 'key']).unique().execute();
  await db.schema
    .createIndex('completions_document_member_mode')
    .on('completions')
    .columns(['document_id', 'member_id', 'mode'])
    .unique()
    .execute();
  await db.schema.createIndex('labels_annotation').on('labels').columns(['annotation_id']).execute();
}
