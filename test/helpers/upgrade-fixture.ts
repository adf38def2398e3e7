import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { ensurePostgresSchema, openStore, type Store } from '../../src/store/db.js';
import { migrationsFor } from '../../src/store/migrations/index.js';
import type { Backend } from './backends.js';

// Upgrade tests: a database as an older release left it, then the current migrations on top of its rows.

/** An empty, unmigrated store on `backend` (a temporary SQLite file, or a fresh PostgreSQL schema named `prefix_…`). */
export async function openEmptyStore(backend: Backend, prefix: string): Promise<{ store: Store; drop(): Promise<void> }> {
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

/** Applies only the migrations named before `first` (e.g. '011'): the schema of the release before it. */
export async function migrateBefore(store: Store, first: string): Promise<void> {
  const before = Object.fromEntries(Object.entries(migrationsFor(store.dialect)).filter(([name]) => name < first));
  const schema = store.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]?.s : undefined;
  const { error } = await new Migrator({ db: store.db, provider: { getMigrations: async () => before }, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) throw error;
}
