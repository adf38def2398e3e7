import { ValidationError, type LabelhookError } from '../errors.js';

/** PostgreSQL's SQLSTATEs for a NUL character (\u0000) in text (22021) or JSON (22P05): it stores none, SQLite does. */
const NUL_CHARACTER_CODES = new Set(['22021', '22P05']);

/**
 * The labelhook error a database driver's error stands for when the input, not the server, is at fault (422 for a
 * NUL character PostgreSQL cannot store); null for any other error. Unique violations stay driver errors: callers
 * that turn a lost race into a 409 ask isUniqueViolation (src/store/unique-violation.ts).
 */
export function storeErrorFor(err: unknown): LabelhookError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NUL_CHARACTER_CODES.has(code)) {
    const mapped = new ValidationError('Text values may not contain the NUL character (\\u0000).', null, 'validation_failed');
    mapped.cause = err;
    return mapped;
  }
  return null;
}
