import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openStore } from '../../src/store/db.js';

describe('SQLite checkpoints off the event loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labelhook-checkpointer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies committed WAL pages into the database file without a commit doing it, and closes cleanly', async () => {
    const file = join(dir, 'c.db');
    const store = openStore(`sqlite:${file}`);
    await migrate(store);
    const before = statSync(file).size;
    // About 2 MB: far below the main connection's own (fallback) autocheckpoint of 10,000 pages.
    await sql`create table filler (id integer primary key, body text not null)`.execute(store.db);
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 500; i++) await sql`insert into filler (body) values (${'x'.repeat(4000)})`.execute(trx);
    });
    const deadline = Date.now() + 10_000;
    while (statSync(file).size <= before + 1_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(statSync(file).size).toBeGreaterThan(before + 1_000_000);
    await store.close();
    const reopened = openStore(`sqlite:${file}`);
    const rows = await sql<{ n: number }>`select count(*) as n from filler`.execute(reopened.db);
    expect(rows.rows[0]!.n).toBe(500);
    await reopened.close();
  });
});
