import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { threadWriteLock } from '../../src/store/sqlite-thread-lock.js';

// `labelhook serve` writes one SQLite file from two threads (API and engine), each with its own connection.
describe('SQLite turns at the write lock between connections of one process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labelhook-thread-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hands turns out first come, first served, one holder at a time', async () => {
    const lock = threadWriteLock();
    const other = threadWriteLock(lock.buffer);
    const order: string[] = [];
    await lock.acquire();
    const second = other.acquire().then(() => order.push('second'));
    const third = lock.acquire().then(() => order.push('third'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    lock.release();
    await second;
    expect(order).toEqual(['second']);
    other.release();
    await third;
    expect(order).toEqual(['second', 'third']);
    lock.release();
  });

  it('two stores sharing the turns commit concurrent transactions on one file, none failing busy', async () => {
    const url = `sqlite:${join(dir, 'two.db')}`;
    const api = openStore(url);
    const engine = openStore(url, { threadWriteLock: api.threadWriteLock! });
    try {
      await sql`create table item (id text primary key, writer text not null)`.execute(api.db);
      // Each transaction holds its connection's write lock across an await: without turns, the other connection's
      // BEGIN IMMEDIATE would block this thread in SQLite's busy handler until it failed with SQLITE_BUSY.
      const write = (store: typeof api, id: string) =>
        store.db.transaction().execute(async (trx) => {
          await sql`insert into item (id, writer) values (${id}, ${store === api ? 'api' : 'engine'})`.execute(trx);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await sql`update item set writer = writer || '!' where id = ${id}`.execute(trx);
        });
      const plainWrite = (id: string) => sql`insert into item (id, writer) values (${id}, 'plain')`.execute(engine.db);
      const results = await Promise.allSettled([
        ...Array.from({ length: 20 }, (_, i) => write(i % 2 === 0 ? api : engine, `t${i}`)),
        plainWrite('p1'),
        plainWrite('p2'),
      ]);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const rows = (await sql<{ n: number }>`select count(*) as n from item where writer like '%!' or writer = 'plain'`.execute(engine.db)).rows;
      expect(rows[0]!.n).toBe(22);
    } finally {
      await engine.close();
      await api.close();
    }
  }, 30_000);
});
