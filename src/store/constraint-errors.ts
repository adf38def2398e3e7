/** True when `err` is a unique-constraint violation from SQLite (better-sqlite3) or PostgreSQL (pg), so callers can answer 409 when a race beats their existence check. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
