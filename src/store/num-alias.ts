import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { DialectName } from './dialect.js';
import type { DatabaseSchema, DocumentTable } from './schema.js';

/** The tables whose rows carry `num`, an integer alias of the string id (migration 008). */
export const NUMBERED_TABLES = ['teams', 'members', 'projects', 'documents', 'annotations'] as const;

export type NumberedTable = (typeof NUMBERED_TABLES)[number];

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/**
 * `count` new integer aliases for rows about to be inserted into `table`, ascending. Call it inside the inserting
 * transaction: on SQLite the counter row is bumped under the write lock; on PostgreSQL the column's identity
 * sequence hands them out (never reused, even when the transaction rolls back).
 */
export async function allocateNums(db: Db, dialect: DialectName, table: NumberedTable, count: number): Promise<number[]> {
  if (count <= 0) return [];
  if (dialect === 'postgres') {
    const res = await sql<{ n: number | string }>`select nextval(pg_get_serial_sequence(${table}, 'num')) as n from generate_series(1, ${count})`.execute(db);
    return res.rows.map((r) => Number(r.n)).sort((a, b) => a - b);
  }
  return sqliteBlock(db, table, count);
}

async function sqliteBlock(db: Db, table: NumberedTable, count: number): Promise<number[]> {
  const res = await sql<{ value: number }>`update id_counters set value = value + ${count} where name = ${table} returning value`.execute(db);
  const last = Number(res.rows[0]!.value);
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
}

/**
 * Inserts document rows in chunks and answers their `num`s in row order. SQLite: one counter bump for all of
 * them, numbers set before the insert. PostgreSQL: the identity column numbers them as they are inserted and
 * RETURNING reads them back (asking the sequence for 100,000 numbers first costs seconds).
 */
export async function insertNumberedDocuments(db: Db, dialect: DialectName, rows: Omit<Insertable<DocumentTable>, 'num'>[], chunkSize = 500): Promise<number[]> {
  if (dialect === 'postgres') {
    const byId = new Map<string, number>();
    for (let i = 0; i < rows.length; i += chunkSize) {
      const got = await db.insertInto('documents').values(rows.slice(i, i + chunkSize)).returning(['id', 'num']).execute();
      for (const r of got) byId.set(r.id, Number(r.num));
    }
    return rows.map((r) => byId.get(r.id)!);
  }
  const nums = await sqliteBlock(db, 'documents', rows.length);
  for (let i = 0; i < rows.length; i += chunkSize) {
    await db.insertInto('documents').values(rows.slice(i, i + chunkSize).map((r, j) => ({ ...r, num: nums[i + j]! }))).execute();
  }
  return nums;
}

/** The integer an API caller may send instead of a string id (`"42"` or 42), or null when `ref` is a string id. */
export function aliasNumber(ref: string | number): number | null {
  if (typeof ref === 'number') return Number.isSafeInteger(ref) && ref > 0 ? ref : null;
  if (!/^[1-9][0-9]{0,15}$/.test(ref)) return null;
  const n = Number(ref);
  return Number.isSafeInteger(n) ? n : null;
}

/** The `num` the database gave a row just inserted without one (SQLite's trigger or PostgreSQL's identity). */
export async function numOf(db: Db, table: NumberedTable, id: string): Promise<number> {
  const row = await db.selectFrom(table).select('num').where('id', '=', id).executeTakeFirstOrThrow();
  return Number(row.num);
}
