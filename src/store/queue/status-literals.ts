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
