import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/** The initial schema: labeling domain, event outbox, webhooks, deliveries and attempts. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const text = 'text' as const;
  const big = 'bigint' as const;
  await db.schema
    .createTable('teams')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('members')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull().references('teams.id'))
    .addColumn('email', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('instance_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', big, (c) => c.notNull())
    .addUniqueConstraint('members_team_email', ['team_id', 'email'])
    .execute();
  await db.schema
    .createTable('api_keys')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull().references('teams.id'))
    .addColumn('member_id', text, (c) => c.notNull().references('members.id'))
    .addColumn('key_hash', text, (c) => c.notNull().unique())
    .addColumn('prefix', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('revoked_at', big)
    .execute();
  await db.schema
    .createTable('projects')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull().references('teams.id'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('tags', text, (c) => c.notNull())
    .addColumn('label_set', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('projects_team').on('projects').columns(['team_id', 'id']).execute();
  await db.schema
    .createTable('documents')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('key', text)
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('text', text)
    .addColumn('data', text)
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('documents_project').on('documents').columns(['project_id', 'id']).execute();
  await db.schema
    .createTable('completions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('document_id', text, (c) => c.references('documents.id').onDelete('cascade'))
    .addColumn('member_id', text, (c) => c.notNull())
    .addColumn('mode', text, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('completions_project').on('completions').columns(['project_id', 'document_id']).execute();
  await db.schema
    .createTable('annotations')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('document_id', text, (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('member_id', text, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addUniqueConstraint('annotations_document_member', ['document_id', 'member_id'])
    .execute();
  await db.schema
    .createTable('labels')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull())
    .addColumn('project_id', text, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('document_id', text, (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('annotation_id', text, (c) => c.notNull().references('annotations.id').onDelete('cascade'))
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('start_cell_index', 'integer', (c) => c.notNull())
    .addColumn('start_cell_line', 'integer', (c) => c.notNull())
    .addColumn('start_token_index', 'integer', (c) => c.notNull())
    .addColumn('start_char_index', 'integer', (c) => c.notNull())
    .addColumn('end_cell_index', 'integer', (c) => c.notNull())
    .addColumn('end_cell_line', 'integer', (c) => c.notNull())
    .addColumn('end_token_index', 'integer', (c) => c.notNull())
    .addColumn('end_char_index', 'integer', (c) => c.notNull())
    .addColumn('counter', 'integer', (c) => c.notNull())
    .addColumn('layer', 'integer', (c) => c.notNull())
    .addColumn('labeled_by', text, (c) => c.notNull())
    .addColumn('label_set_item_id', text, (c) => c.notNull())
    .addColumn('confidence_score', 'double precision')
    .addColumn('labeled_by_user_id', text, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('labels_document').on('labels').columns(['document_id']).execute();

  let events = db.schema.createTable('events');
  events =
    dialect === 'postgres'
      ? events.addColumn('seq', 'bigserial', (c) => c.primaryKey())
      : events.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
  await events
    .addColumn('id', text, (c) => c.notNull().unique())
    .addColumn('team_id', text, (c) => c.notNull())
    .addColumn('project_id', text)
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('actor', text)
    .addColumn('data', text, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('dispatched_at', big)
    .execute();
  await db.schema.createIndex('events_team').on('events').columns(['team_id', 'seq']).execute();
  // Partial index: the dispatcher only ever looks for events not yet fanned out.
  await db.schema
    .createIndex('events_undispatched')
    .on('events')
    .column('seq')
    .where(sql.ref('dispatched_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull().references('teams.id'))
    .addColumn('project_id', text)
    .addColumn('url', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('events', text, (c) => c.notNull())
    .addColumn('format', text, (c) => c.notNull())
    .addColumn('headers_enc', text)
    .addColumn('secret_enc', text, (c) => c.notNull())
    .addColumn('previous_secret_enc', text)
    .addColumn('previous_secret_expires_at', big)
    .addColumn('send_payload', 'integer', (c) => c.notNull())
    .addColumn('batch', text)
    .addColumn('ordered', 'integer', (c) => c.notNull())
    .addColumn('blocking', 'integer', (c) => c.notNull())
    .addColumn('fail_mode', text, (c) => c.notNull())
    .addColumn('disabled_reason', text)
    .addColumn('failing_since', big)
    .addColumn('ephemeral', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_team').on('webhooks').columns(['team_id', 'id']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('message_id', text, (c) => c.notNull())
    .addColumn('team_id', text, (c) => c.notNull())
    .addColumn('webhook_id', text, (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('project_id', text)
    .addColumn('event_type', text, (c) => c.notNull())
    .addColumn('event_ids', text, (c) => c.notNull())
    .addColumn('event_seq', big, (c) => c.notNull())
    .addColumn('payload', text, (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('batch_open', 'integer', (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('attempt_count', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', big, (c) => c.notNull())
    .addColumn('lease_owner', text)
    .addColumn('lease_expires_at', big)
    .addColumn('last_status', 'integer')
    .addColumn('last_error', text)
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('completed_at', big)
    .execute();
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('deliveries_webhook').on('deliveries').columns(['webhook_id', 'id']).execute();
  await db.schema.createIndex('deliveries_line').on('deliveries').columns(['webhook_id', 'project_id', 'event_seq']).execute();

  await db.schema
    .createTable('attempts')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team_id', text, (c) => c.notNull())
    .addColumn('delivery_id', text, (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('webhook_id', text, (c) => c.notNull())
    .addColumn('attempt_no', 'integer', (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('request_url', text, (c) => c.notNull())
    .addColumn('request_headers', text, (c) => c.notNull())
    .addColumn('request_body', text)
    .addColumn('response_status', 'integer')
    .addColumn('response_headers', text)
    .addColumn('response_body', text)
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('error', text)
    .addColumn('outcome', text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attempts_delivery').on('attempts').columns(['delivery_id', 'attempt_no']).execute();
  await db.schema.createIndex('attempts_at').on('attempts').columns(['webhook_id', 'at']).execute();
}
