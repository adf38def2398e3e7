import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { noteWrite, readRows } from '../../src/store/sqlite-raw-rows.js';

// readRows answers what better-sqlite3's own row objects would: every caller reads rows through it on SQLite.

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function table(db: Database.Database): void {
  db.exec("create table t (id text primary key, n integer, x real, b blob, note text); insert into t values ('a', 1, 1.5, x'0102', null), ('b', 2, null, null, 'two')");
}

describe('rows of a SQLite statement', () => {
  it('are the objects better-sqlite3 builds: same values, same key order, the last of two equal names', () => {
    const db = new Database(':memory:');
    table(db);
    for (const text of ['select * from t order by id', 'select n, id, n as id from t order by id', 'select count(*), max(n) from t', 'select * from t where id = ?']) {
      const params = text.includes('?') ? ['none'] : [];
      const ours = readRows(db.prepare(text), params) as Record<string, unknown>[];
      const theirs = db.prepare(text).all(...params) as Record<string, unknown>[];
      expect(ours).toEqual(theirs);
      expect(ours.map((r) => Object.keys(r))).toEqual(theirs.map((r) => Object.keys(r)));
    }
  });

  it('keeps a column named __proto__ as a column, not as the prototype', () => {
    const db = new Database(':memory:');
    const [row] = readRows(db.prepare('select 1 as "__proto__", 2 as two'), []) as Record<string, unknown>[];
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.entries(row!)).toEqual([
      ['__proto__', 1],
      ['two', 2],
    ]);
  });

  it('runs a write with RETURNING once', () => {
    const db = new Database(':memory:');
    table(db);
    const stmt = db.prepare('update t set n = n + 10 returning id, n');
    expect(readRows(stmt, [])).toEqual([
      { id: 'a', n: 11 },
      { id: 'b', n: 12 },
    ]);
    expect(db.prepare('select n from t order by id').pluck().all()).toEqual([11, 12]);
  });

  it('follows a schema change, made on this connection or on another, for a statement kept prepared', () => {
    dir = mkdtempSync(join(tmpdir(), 'labelhook-raw-rows-'));
    const file = join(dir, 'test.db');
    const db = new Database(file);
    table(db);
    const all = db.prepare("select * from t where id = 'a'");
    expect(readRows(all, [])).toEqual([{ id: 'a', n: 1, x: 1.5, b: Buffer.from([1, 2]), note: null }]);
    const alter = 'alter table t add column later text';
    noteWrite(alter);
    db.exec(alter);
    expect(readRows(all, [])).toEqual([{ id: 'a', n: 1, x: 1.5, b: Buffer.from([1, 2]), note: null, later: null }]);
    // Another connection's change: SQLite prepares the statement again by itself, with the new columns.
    const other = new Database(file);
    other.exec("alter table t add column other integer default 7");
    other.close();
    expect(readRows(all, [])).toEqual([{ id: 'a', n: 1, x: 1.5, b: Buffer.from([1, 2]), note: null, later: null, other: 7 }]);
    db.close();
  });
});
