/** Rows per multi-row statement: 500 rows × ~20 columns stays far below SQLite's and PostgreSQL's bound-parameter limits. */
export const CHUNK_SIZE = 500;

/** Splits `items` into consecutive slices of at most `size` (for multi-row inserts and `in (...)` lists). */
export function chunked<T>(items: readonly T[], size = CHUNK_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
