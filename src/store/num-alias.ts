import { sql, type Kysely, type Transaction } from 'kysely';
import type { DialectName } from './dialect.js';
import type { DatabaseSchema } from './schema.js';

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
  const res = await sql<{ value: number }>`update id_counters set value = value + ${count} where name = ${table} returning value`.execute(db);
  const last = Number(res.rows[0]!.value);
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
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
