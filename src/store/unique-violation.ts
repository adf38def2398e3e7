/**
 * True when `err` is a unique-constraint violation. The drivers report it differently (better-sqlite3's
 * `SQLITE_CONSTRAINT_UNIQUE`, PostgreSQL's SQLSTATE 23505), so callers turning a lost race into a 409 ask here.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
