import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { ensurePostgresSchema, openStore, type Store } from '../../src/store/db.js';
import { migrationsFor } from '../../src/store/migrations/index.js';
import type { Backend } from './backends.js';

// Upgrade tests: a database as an older release left it, then the current migrations on top of its rows.

/** An empty, unmigrated store on `backend` (a temporary SQLite file, or a fresh PostgreSQL schema named `prefix_…`). */
async function openEmptyStore(backend: Backend, prefix: string): Promise<{ store: Store; drop(): Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `labelhook-${prefix}-`));
    const store = openStore(`sqlite:${join(dir, 'test.db')}`);
    return {
      store,
      drop: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.LABELHOOK_TEST_POSTGRES_URL!;
  const schema = `lh_${prefix}_${randomBytes(6).toString('hex')}`;
  await ensurePostgresSchema(base, schema);
  const store = openStore(base, { schema });
  return {
    store,
    drop: async () => {
      await store.close();
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}

/**
 * An empty store on `backend` with only the migrations before `first` applied (the schema of the release before
 * it), thrown away when the running test finishes.
 */
export async function storeBefore(backend: Backend, prefix: string, first: string): Promise<Store> {
  const db = await openEmptyStore(backend, prefix);
  onTestFinished(() => db.drop());
  await migrateBefore(db.store, first);
  return db.store;
}

/** Applies only the migrations named before `first` (e.g. '011'): the schema of the release before it. */
export async function migrateBefore(store: Store, first: string): Promise<void> {
  const before = Object.fromEntries(Object.entries(migrationsFor(store.dialect)).filter(([name]) => name < first));
  const schema = store.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]?.s : undefined;
  const { error } = await new Migrator({ db: store.db, provider: { getMigrations: async () => before }, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) throw error;
}

/** Index name → definition of the deliveries and attempts tables (the primary keys as `(primary key)`). */
export async function queueIndexes(store: Store): Promise<Record<string, string>> {
  const rows =
    store.dialect === 'sqlite'
      ? (await sql<{ name: string; def: string | null }>`select name, sql as def from sqlite_master where type = 'index' and tbl_name in ('deliveries', 'attempts')`.execute(store.db)).rows
      : (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() and tablename in ('deliveries', 'attempts')`.execute(store.db)).rows;
  return Object.fromEntries(rows.map((r) => [r.name, r.def ?? '(primary key)']));
}

/** The store's database without the current schema's types: the tables as an older release left them. */
export function untyped(store: Store): Kysely<Record<string, Record<string, unknown>>> {
  return store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
}

/** Team `team_1` and its unordered webhook `wh_1` (every column the initial schema requires). */
export async function insertTeamAndWebhook(store: Store): Promise<void> {
  const raw = untyped(store);
  await raw.insertInto('teams').values({ id: 'team_1', name: 'T', created_at: 1 }).execute();
  await raw
    .insertInto('webhooks')
    .values({ id: 'wh_1', team_id: 'team_1', url: 'http://127.0.0.1:9/', description: '', enabled: 1, events: '["*"]', format: 'standard', secret_enc: 's', send_payload: 1, ordered: 0, blocking: 0, fail_mode: 'queue', created_at: 1, updated_at: 1 })
    .execute();
}

/** A deliveries row of webhook `wh_1`, with the columns of every schema since migration 003 (`extra` overrides). */
export function deliveryRow(id: string, status: string, batchOpen: number, nextAt: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const at = 1_764_600_000_000;
  return {
    id, message_id: `msg_${id}`, team_id: 'team_1', webhook_id: 'wh_1', project_id: null, event_type: 'TASKS_CREATED', event_ids: '[]', event_seq: 1,
    payload: '{}', item_count: 1, batch_open: batchOpen, batch_records: batchOpen ? '[]' : null, schedule_start: 0, status, attempt_count: status === 'succeeded' ? 1 : 0,
    next_attempt_at: nextAt, lease_owner: null, lease_expires_at: null, last_status: null, last_error: null, created_at: at, updated_at: at, completed_at: null, ...extra,
  };
}
