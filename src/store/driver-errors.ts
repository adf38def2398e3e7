import { catalogMessage } from '../error-catalog.js';
import { UnavailableError, ValidationError, type LabelhookError } from '../errors.js';

/** PostgreSQL's SQLSTATEs for a NUL character (\u0000) in text (22021) or JSON (22P05): it stores none, SQLite does. */
const NUL_CHARACTER_CODES = new Set(['22021', '22P05']);

/**
 * Codes of a lost or refused PostgreSQL connection: the server's SQLSTATEs for ending a session (57P01 admin
 * shutdown or pg_terminate_backend, 57P02 crash, 57P03 starting up or shutting down, 57P05 idle_session_timeout,
 * 25P03 idle_in_transaction_session_timeout), class 08 (connection exception; not 08P01, a protocol violation),
 * and the socket's errors.
 */
const CONNECTION_LOSS_CODES = new Set([
  '57P01', '57P02', '57P03', '57P05', '25P03',
  '08000', '08001', '08003', '08004', '08006',
  'ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

/** What pg (8.x) and pg-pool raise, without a code, for a socket that ended or a connection that could not be made. */
const CONNECTION_LOSS_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Client has encountered a connection error and is not queryable',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
]);

/** True when `err` says the connection to PostgreSQL was lost or could not be opened, not that the statement was wrong. */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return (typeof e?.code === 'string' && CONNECTION_LOSS_CODES.has(e.code)) || (typeof e?.message === 'string' && CONNECTION_LOSS_MESSAGES.has(e.message));
}

/**
 * The labelhook error a database driver's error stands for when the input, not the server, is at fault (422 for a
 * NUL character PostgreSQL cannot store), or when the database is away (503 `database_unavailable` for a lost or
 * refused connection, with the driver's reason); null for any other error. Unique violations stay driver errors:
 * callers that turn a lost race into a 409 ask isUniqueViolation (src/store/unique-violation.ts).
 */
export function storeErrorFor(err: unknown): LabelhookError | null {
  const code = (err as { code?: unknown } | null)?.code;
  let mapped: LabelhookError | null = null;
  if (typeof code === 'string' && NUL_CHARACTER_CODES.has(code)) {
    mapped = new ValidationError('Text values may not contain the NUL character (\\u0000).', null, 'validation_failed');
  } else if (isConnectionLoss(err)) {
    mapped = new UnavailableError(catalogMessage('database_unavailable'), { reason: (err as Error).message }, 'database_unavailable');
  }
  if (mapped) mapped.cause = err;
  return mapped;
}
