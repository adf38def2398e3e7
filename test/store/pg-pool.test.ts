import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';
import { safeToRetry } from '../../src/store/pg-pool.js';
import { injectApi, type ApiClient } from '../helpers/api-client.js';
import { createTestAppOn, type TestApp } from '../helpers/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js';

const uniqueName = (): string => `lh_test_${randomBytes(4).toString('hex')}`;

/**
 * Ends every backend of `applicationName` from another process (as a server restart, an idle timeout or an operator
 * would), and waits until they are gone. This process's event loop is blocked meanwhile, so its pooled clients have
 * not read the server's goodbye when the next statement goes out: exactly what a pool meets after a restart.
 * Answers how many backends were ended.
 */
function endBackends(applicationName: string): number {
  const out = execFileSync('psql', [
    process.env.LABELHOOK_TEST_POSTGRES_URL!,
    '-Atc',
    // Materialized, so that pg_terminate_backend is only ever called for the pids chosen (psql's own among the others).
    `with chosen as materialized (select pid from pg_stat_activity where application_name = '${applicationName}')
     select count(*) from chosen where pg_terminate_backend(pid, 5000)`,
  ]);
  return Number(out.toString().trim());
}

/** Runs `n` statements at once, so the pool opens `n` clients and keeps them idle afterwards. */
async function fillPool(store: Store, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => sql`select 1`.execute(store.db)));
}

async function probeIds(store: Store, ids: string[]): Promise<string[]> {
  const res = await sql<{ id: string }>`select id from probe where id = any(${ids}) order by id`.execute(store.db);
  return res.rows.map((r) => r.id);
}

describe('which first statements of a checkout run again after a lost connection', () => {
  it('a begin and a plain read do; a write, a sequence step, a notification and several statements do not', () => {
    const retried = [
      'begin',
      'start transaction isolation level serializable read write',
      'select "id", "name" from "projects" where "team_id" = $1 order by "updated_at" desc',
      'with last as (select max(seq) as seq from events) select * from last',
      'select * from "deliveries" where "id" = $1 for share',
    ];
    const notRetried = [
      'insert into "probe" ("id") values ($1)',
      'update "projects" set "name" = $1',
      'with gone as (delete from "events" returning id) select count(*) from gone',
      'select * into backup from "projects"',
      'select * from "deliveries" where "id" = $1 for update',
      "select nextval(pg_get_serial_sequence('projects', 'num')) as n",
      'select pg_notify($1, $2)',
      'select 1; delete from "projects"',
      'begin; insert into "probe" values (1); commit',
      'commit',
    ];
    expect(retried.filter((q) => !safeToRetry(q))).toEqual([]);
    expect(notRetried.filter(safeToRetry)).toEqual([]);
  });
});

describe.runIf(BACKENDS.includes('postgres'))('pooled connections the server ended (postgres)', () => {
  describe('the store', () => {
    const applicationName = uniqueName();
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('postgres', { applicationName, poolSize: 3 });
      await sql`create table probe (id text primary key)`.execute(database.store.db);
    });
    afterAll(() => database.drop());

    it('a transaction right after the server ended the idle connections commits', async () => {
      await fillPool(database.store, 3);
      expect(endBackends(applicationName)).toBe(3);
      const id = uniqueName();
      await database.store.db.transaction().execute((trx) => sql`insert into probe (id) values (${id})`.execute(trx));
      expect(await probeIds(database.store, [id])).toEqual([id]);
    });

    it('a read right after the server ended the idle connections answers', async () => {
      await fillPool(database.store, 3);
      expect(endBackends(applicationName)).toBe(3);
      const res = await sql<{ n: number }>`select count(*)::int as n from probe where id = ${'none'}`.execute(database.store.db);
      expect(res.rows).toEqual([{ n: 0 }]);
    });

    it('a write outside a transaction is not run again: on a connection the server ended it fails as database_unavailable', async () => {
      await fillPool(database.store, 1);
      expect(endBackends(applicationName)).toBe(1);
      const id = uniqueName();
      // Had it reached the server before the connection died, running it again could write twice.
      await expect(sql`insert into probe (id) values (${id})`.execute(database.store.db)).rejects.toMatchObject({ code: 'database_unavailable', status: 503 });
      expect(await probeIds(database.store, [id])).toEqual([]);
    });

    it('a transaction whose connection is lost after a statement succeeded fails as database_unavailable and commits nothing', async () => {
      await fillPool(database.store, 3);
      const [first, second] = [uniqueName(), uniqueName()];
      const run = database.store.db.transaction().execute(async (trx) => {
        await sql`insert into probe (id) values (${first})`.execute(trx);
        // This transaction's backend among them: its state on the server is gone, so nothing may run it again.
        expect(endBackends(applicationName)).toBe(3);
        await sql`insert into probe (id) values (${second})`.execute(trx);
      });
      await expect(run).rejects.toMatchObject({ code: 'database_unavailable', status: 503 });
      expect(await probeIds(database.store, [first, second])).toEqual([]);
    });

    it('a database that does not answer fails statements as database_unavailable', async () => {
      // Nothing listens on port 1 of the loopback: every connection attempt is refused.
      const down = openStore('postgres://postgres@127.0.0.1:1/test', { poolSize: 1 });
      try {
        await expect(sql`select 1`.execute(down.db)).rejects.toMatchObject({ code: 'database_unavailable', status: 503 });
      } finally {
        await down.close();
      }
    });
  });

  describe('the API', () => {
    const applicationName = uniqueName();
    let t: TestApp;
    let api: ApiClient;
    beforeAll(async () => {
      t = await createTestAppOn(await createTestDatabase('postgres', { applicationName, poolSize: 4 }));
      api = injectApi(t.app, t.adminKey);
    });
    afterAll(() => t.close());

    const newProject = (name: string): Promise<{ status: number; json: { id?: string; error?: unknown } }> =>
      api.call('POST', '/projects', { name, labelSet: [{ id: 'per', label: 'PERSON' }] });
    const projectCount = async (name: string): Promise<number> =>
      (await sql<{ n: number }>`select count(*)::int as n from projects where name = ${name}`.execute(t.ctx.store.db)).rows[0]!.n;

    it('a request right after the server ended the idle connections succeeds', async () => {
      await fillPool(t.ctx.store, 4);
      expect(endBackends(applicationName)).toBe(4);
      const list = await api.call('GET', '/projects');
      expect(list.status).toBe(200);
      await fillPool(t.ctx.store, 4);
      expect(endBackends(applicationName)).toBe(4);
      const name = uniqueName();
      const created = await newProject(name);
      expect(created.status).toBe(201);
      expect(await projectCount(name)).toBe(1);
    });

    it('a request whose connection is lost mid-transaction answers 503 database_unavailable and changes nothing', async () => {
      // The backend ends itself when the request's transaction stores its event, after the project's insert succeeded.
      await sql`create function end_own_backend() returns trigger language plpgsql as $$
        begin perform pg_terminate_backend(pg_backend_pid()); return new; end $$`.execute(t.ctx.store.db);
      await sql`create trigger end_backend before insert on events for each row execute function end_own_backend()`.execute(t.ctx.store.db);
      const name = uniqueName();
      try {
        const res = await newProject(name);
        expect(res.status).toBe(503);
        expect(res.json).toEqual({ error: { code: 'database_unavailable', message: 'The database does not answer.', details: { reason: expect.any(String) } } });
      } finally {
        await sql`drop trigger end_backend on events`.execute(t.ctx.store.db);
      }
      expect(await projectCount(name)).toBe(0);
      // The lost connection was not handed out again: the next request succeeds.
      expect((await newProject(uniqueName())).status).toBe(201);
    });
  });
});
