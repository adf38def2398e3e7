import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgresSchema, migrate, openStore, type Store } from '../../src/store/db.js';

export type Backend = 'sqlite' | 'postgres';

/** The databases the suite runs against: SQLite always, PostgreSQL when LABELHOOK_TEST_POSTGRES_URL is set. */
export const BACKENDS: Backend[] = process.env.LABELHOOK_TEST_POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** A fresh, migrated database of its own, and how to throw it away. */
export interface TestDatabase {
  store: Store;
  /** The URL a child process can open (with `schema` for PostgreSQL). */
  url: string;
  /** PostgreSQL schema name (null on SQLite). */
  schema: string | null;
  drop(): Promise<void>;
}

/** Connection URL of a PostgreSQL test schema: search_path is carried in the URL's options. */
export function postgresUrlWithSchema(base: string, schema: string): string {
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** PostgreSQL only: how the test database's pool connects (ignored on SQLite). */
export interface TestDatabaseOptions {
  poolSize?: number;
  /** Sent as `application_name`, so a test can find (and end) this pool's connections in `pg_stat_activity`. */
  applicationName?: string;
}

/** Creates an isolated database: a temp SQLite file or a new PostgreSQL schema. */
export async function createTestDatabase(backend: Backend, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'labelhook-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    const store = openStore(url);
    await migrate(store);
    return {
      store,
      url,
      schema: null,
      drop: async () => {
        await store.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.LABELHOOK_TEST_POSTGRES_URL!;
  const schema = `lh_test_${randomBytes(6).toString('hex')}`;
  await ensurePostgresSchema(base, schema);
  const storeUrl = new URL(base);
  if (options.applicationName) storeUrl.searchParams.set('application_name', options.applicationName);
  const store = openStore(storeUrl.toString(), { schema, ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
  await migrate(store);
  return {
    store,
    url: postgresUrlWithSchema(base, schema),
    schema,
    drop: async () => {
      await store.close().catch(() => undefined);
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}
