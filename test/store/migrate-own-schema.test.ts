import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgresSchema, migrate, openStore } from '../../src/store/db.js';
import { BACKENDS } from '../helpers/backends.js';

// Several labelhooks (or tenants, or test files) share one PostgreSQL database, a schema each. Kysely's own
// introspector read every schema and resolved each table by name, so a table renamed or a schema dropped in
// another schema while ours migrated failed our start-up with 42P01 or 3F000 (seen in CI: `serve` exiting on
// `relation "lh_test_….events_broken" does not exist`). The migrator now sees our schema only.
describe.runIf(BACKENDS.includes('postgres'))('migrating beside other schemas (postgres)', () => {
  const base = process.env.LABELHOOK_TEST_POSTGRES_URL!;
  const name = (): string => `lh_test_${randomBytes(6).toString('hex')}`;
  const other = name();
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create schema "${other}"; create table "${other}".t (id serial primary key)`);
  });
  afterAll(async () => {
    await admin.query(`drop schema if exists "${other}" cascade`);
    await admin.end();
  });

  it('migrates while another schema renames a table and schemas come and go, every time', { timeout: 60_000 }, async () => {
    const ddl = new pg.Client({ connectionString: base });
    await ddl.connect();
    let running = true;
    let statements = 0;
    // Bounded: it stops when the migrations are done, and after 20,000 statements at most.
    const churn = (async () => {
      for (let n = 0; running && n < 20_000; n++) {
        const transient = name();
        await ddl.query(n % 2 === 0 ? `alter table "${other}".t rename to t2` : `alter table "${other}".t2 rename to t`);
        await ddl.query(`create schema "${transient}"; create table "${transient}".x (id int); drop schema "${transient}" cascade`);
        statements += 2;
      }
    })();
    const failures: string[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const schema = name();
        await ensurePostgresSchema(base, schema);
        const store = openStore(base, { schema });
        try {
          const applied = await migrate(store);
          expect(applied.length).toBeGreaterThan(0);
        } catch (err) {
          failures.push(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`);
        } finally {
          await store.close();
          await admin.query(`drop schema "${schema}" cascade`);
        }
      }
    } finally {
      running = false;
      await churn;
      await ddl.end();
    }
    expect(statements).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it("introspection lists our schema's tables only, the migrator's own included when asked", async () => {
    const schema = name();
    await ensurePostgresSchema(base, schema);
    const store = openStore(base, { schema });
    try {
      await migrate(store);
      const tables = await store.db.introspection.getTables();
      expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([schema]));
      expect(tables.map((t) => t.name)).toContain('deliveries');
      expect(tables.map((t) => t.name)).not.toContain('kysely_migration');
      expect((await store.db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name)).toContain('kysely_migration');
      const events = tables.find((t) => t.name === 'events')!;
      expect(events.columns.map((c) => c.name).slice(0, 3)).toEqual(['seq', 'id', 'team_id']);
      expect(events.columns.find((c) => c.name === 'seq')).toMatchObject({ isAutoIncrementing: true, hasDefaultValue: true, isNullable: false });
      expect(events.columns.find((c) => c.name === 'project_id')).toMatchObject({ isAutoIncrementing: false, isNullable: true, dataType: 'text' });
      expect(await store.db.introspection.getSchemas()).toEqual([{ name: schema }]);
    } finally {
      await store.close();
      await admin.query(`drop schema "${schema}" cascade`);
    }
  });
});
