import { catalogMessage } from './error-catalog.js';
import { BadRequestError } from './errors.js';

// One parser per kind of input value, used by every route and use case that reads that kind, so the same bad value
// gets the same code and status wherever it is sent (query string, body or header): a value that cannot be read is 400.

const ISO_DATE_START = /^\d{4}-\d{2}-\d{2}/;

/** Parses an ISO 8601 time (it must start with a date, YYYY-MM-DD) to epoch ms; 400 `invalid_since` naming `parameter` otherwise. */
export function parseSince(value: string, parameter = 'since'): number {
  const ms = ISO_DATE_START.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    const details = { parameter, value };
    throw new BadRequestError(catalogMessage('invalid_since', details), details, 'invalid_since');
  }
  return ms;
}

/** What an opaque list cursor holds: the last id seen, or the last event seq seen. */
export type CursorKind = 'id' | 'seq';

const CURSOR_TEXT: Record<CursorKind, RegExp> = { id: /^([a-z]+_[0-9a-z]+|\d+)$/, seq: /^\d+$/ };

/** Decodes an opaque (base64url) cursor to the key it holds; 400 `invalid_cursor` when it is not one of `kind`. */
export function parseCursor(cursor: string | undefined, kind: CursorKind = 'id'): string | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!CURSOR_TEXT[kind].test(text)) throw new BadRequestError(catalogMessage('invalid_cursor'), { cursor }, 'invalid_cursor');
  return text;
}

/** Parses an event seq sent as the Last-Event-ID header; undefined when absent or blank, 400 `invalid_last_event_id` when not a seq. */
export function parseLastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (value === '') return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw new BadRequestError(catalogMessage('invalid_last_event_id', { lastEventId: value }), { lastEventId: value }, 'invalid_last_event_id');
  }
  return Number(value);
}
