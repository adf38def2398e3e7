import type { Kysely } from 'kysely';

/**
 * Export jobs (files made in the background, announced by EXPORT_COMPLETED) and a project's auto-export setting.
 * `state` is queued → running → completed | failed; a job left running by a dead process has an expired lease and is
 * claimed again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = 'text' as const;
  const big = 'bigint' as const;
  await db.schema
    .createTable('export_jobs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('format', text, (c) => c.notNull())
    .addColumn('status_filter', text, (c) => c.notNull())
    .addColumn('since', big)
    .addColumn('trigger', text, (c) => c.notNull())
    .addColumn('requested_by', text)
    .addColumn('state', text, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', text)
    .addColumn('lease_expires_at', big)
    .addColumn('file_name', text)
    .addColumn('byte_size', big)
    .addColumn('document_count', 'integer')
    .addColumn('label_count', 'integer')
    .addColumn('sha256', text)
    .addColumn('error', text)
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('completed_at', big)
    .addColumn('pruned_at', big)
    .execute();
  await db.schema.createIndex('export_jobs_project').on('export_jobs').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('export_jobs_state').on('export_jobs').columns(['state', 'created_at']).execute();
  // JSON {on: ["PROJECT_COMPLETED" | "PROJECT_REVIEWED"], format, status} or null.
  await db.schema.alterTable('projects').addColumn('auto_export', text).execute();
}
