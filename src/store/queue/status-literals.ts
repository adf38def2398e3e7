import { sql, type RawBuilder } from 'kysely';
import type { DeliveryTable } from '../schema.js';

// The queue's statements name the delivery statuses they select by as SQL literals, not bound parameters: SQLite
// decides whether a partial index (`where status = …`) serves a statement from its text, and for a bound status it
// can only tell by preparing the statement again at every run. The values are fixed constants, never user input.

type Status = DeliveryTable['status'];

const literal = <S extends Status>(status: S): RawBuilder<S> => sql.lit(status);

/** `'pending'`, as a literal in the statement's text. */
export const PENDING = literal('pending');

/** `'delivering'`, as a literal in the statement's text. */
export const DELIVERING = literal('delivering');

/**
 * `(column = 'pending' or column = 'delivering')`: an unfinished delivery, in the form of the predicate of SQLite's
 * due indexes (migration 012), which SQLite matches only as written so (an IN list does not match an OR).
 * PostgreSQL plans it as a BitmapOr of two index conditions.
 */
export function isUnfinished(column: `${string}status`): RawBuilder<boolean> {
  const ref = sql.ref(column);
  return sql<boolean>`(${ref} = ${PENDING} or ${ref} = ${DELIVERING})`;
}
