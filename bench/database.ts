import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { ensurePostgresSchema } from '../src/store/db.js';

/** A database of the bench's own: a SQLite file in the scenario's temp folder, or a fresh PostgreSQL schema. */
export interface BenchDatabase {
  url: string;
  label: string;
  /** PostgreSQL only: the server's URL and the application_name the bench's connections carry (bench/cpu.ts). */
  postgres: { baseUrl: string; applicationName: string } | null;
  drop(): Promise<void>;
}

/** A new SQLite database file under `dir`. */
export function sqliteDatabase(dir: string, name: string): BenchDatabase {
  // The temp folder is removed with the scenario, so nothing to drop.
  return { url: `sqlite:${join(dir, `${name}.db`)}`, label: 'SQLite', postgres: null, drop: async () => undefined };
}

/** A new schema on the PostgreSQL server at `baseUrl`, dropped afterwards. */
export async function postgresDatabase(baseUrl: string): Promise<BenchDatabase> {
  const schema = `lh_bench_${randomBytes(5).toString('hex')}`;
  await ensurePostgresSchema(baseUrl, schema);
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  // Tells this run's backends apart from other work on the same server when their CPU is measured.
  u.searchParams.set('application_name', schema);
  return {
    url: u.toString(),
    label: 'PostgreSQL',
    postgres: { baseUrl, applicationName: schema },
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
