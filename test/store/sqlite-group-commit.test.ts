import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';

// Transactions started together on SQLite commit together (src/store/sqlite-group-commit.ts); each must still
// behave as if it had committed alone.
describe('SQLite group commit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labelhook-group-commit-'));
  let store: Store;
  beforeAll(async () => {
    store = openStore(`sqlite:${join(dir, 'g.db')}`);
    await sql`create table item (id text primary key, n integer not null)`.execute(store.db);
    await sql`create table parent (id text primary key)`.execute(store.db);
    await sql`create table child (id text primary key, parent_id text references parent(id) deferrable initially deferred)`.execute(store.db);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (id: string, n = 1) =>
    store.db.transaction().execute(async (trx) => {
      await sql`insert into item (id, n) values (${id}, ${n})`.execute(trx);
      return id;
    });
  const ids = async (prefix: string) =>
    (await sql<{ id: string }>`select id from item where id like ${`${prefix}%`} order by id`.execute(store.db)).rows.map((r) => r.id);

  it('commits every one of many concurrent transactions, and a failing one rolls back alone', async () => {
    const results = await Promise.allSettled([
      insert('a1'),
      insert('a2'),
      store.db.transaction().execute(async (trx) => {
        await sql`insert into item (id, n) values ('a3', 1)`.execute(trx);
        throw new Error('abort a3');
      }),
      insert('a4'),
      insert('a1'), // duplicate key: fails on its own statement
      insert('a5'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await ids('a')).toEqual(['a1', 'a2', 'a4', 'a5']);
  });

  it('lets a transaction see what the ones before it in the same group wrote', async () => {
    const [, seen] = await Promise.all([
      insert('b1', 7),
      store.db.transaction().execute(async (trx) => (await sql<{ n: number }>`select n from item where id = 'b1'`.execute(trx)).rows[0]?.n),
    ]);
    expect(seen).toBe(7);
  });

  it('commits the open group before a statement outside any transaction runs, so it reads only committed data', async () => {
    await insert('c0');
    const pending = store.db.transaction().execute(async (trx) => {
      await sql`insert into item (id, n) values ('c1', 1)`.execute(trx);
      // Give the read below its turn while this transaction holds the connection.
      await new Promise((r) => setImmediate(r));
      return 'c1';
    });
    // Behind an ordinary transaction the read waits for the connection, then commits the group before it runs: it
    // sees c1 only because c1 is committed by then (the reader connection serves only bulk transactions' slices).
    const read = sql<{ id: string }>`select id from item where id like 'c%' order by id`.execute(store.db);
    expect((await read).rows).toEqual([{ id: 'c0' }, { id: 'c1' }]);
    await expect(pending).resolves.toBe('c1');
    expect(await ids('c')).toEqual(['c0', 'c1']);
    // A write outside a transaction waits for the connection, commits the open group, then runs on its own.
    const grouped = insert('c2');
    const update = await sql`update item set n = 2 where id = 'c2'`.execute(store.db);
    await grouped;
    expect(update.numAffectedRows).toBe(1n);
    expect((await sql<{ n: number }>`select n from item where id = 'c2'`.execute(store.db)).rows).toEqual([{ n: 2 }]);
  });

  it('runs a bulk (serializable) transaction in a group of its own: reads answer and others commit without waiting for its slices', async () => {
    const order: string[] = [];
    const bulk = store.bulkTransaction().execute(async (trx) => {
      for (let i = 0; i < 20; i++) {
        await sql`insert into item (id, n) values (${`e${String(i).padStart(2, '0')}`}, 1)`.execute(trx);
        await new Promise((r) => setImmediate(r));
      }
      order.push('bulk');
    });
    await new Promise((r) => setImmediate(r));
    // A read between two slices sees none of the bulk transaction's rows, and does not wait for it.
    const seen = await ids('e');
    order.push('read');
    expect(seen).toEqual([]);
    // A write transaction waits for the connection, then commits in a group of its own.
    const other = insert('f1').then(() => order.push('other'));
    await Promise.all([bulk, other]);
    expect(order).toEqual(['read', 'bulk', 'other']);
    expect(await ids('e')).toHaveLength(20);
    expect(await ids('f')).toEqual(['f1']);
  });

  it('rolls a failing bulk transaction back whole', async () => {
    const failing = store.bulkTransaction().execute(async (trx) => {
      await sql`insert into item (id, n) values ('g1', 1)`.execute(trx);
      await new Promise((r) => setImmediate(r));
      await sql`insert into item (id, n) values ('g1', 2)`.execute(trx);
    });
    await expect(failing).rejects.toThrow();
    expect(await ids('g')).toEqual([]);
  });

  it('fails every transaction of a group whose COMMIT fails, and stores none of them', async () => {
    const results = await Promise.allSettled([
      insert('d1'),
      // A deferred foreign key is checked at COMMIT: this makes the group's COMMIT fail.
      store.db.transaction().execute(async (trx) => {
        await sql`insert into child (id, parent_id) values ('orphan', 'missing')`.execute(trx);
      }),
      insert('d2'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await ids('d')).toEqual([]);
    expect((await sql`select id from child`.execute(store.db)).rows).toEqual([]);
    // And the connection works on afterwards.
    await insert('d3');
    expect(await ids('d')).toEqual(['d3']);
  });
});
