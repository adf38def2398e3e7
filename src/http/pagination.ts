import { parseCursor } from '../input-parsers.js';

/** Query-string schema fragment for cursor pagination. */
export const pageQuerySchema = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  cursor: { type: 'string', maxLength: 200 },
} as const;

/** A list answer: `{data, nextCursor}`; nextCursor is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Decodes an opaque cursor back to the last id seen (400 `invalid_cursor` otherwise). */
export function decodeCursor(cursor: string | undefined): string | undefined {
  return parseCursor(cursor, 'id');
}

/** Makes a page from `limit + 1` rows fetched in order: the extra row only says whether more exist. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (r: R) => string | number, render: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(render),
    nextCursor: more && last !== undefined ? Buffer.from(String(keyOf(last))).toString('base64url') : null,
  };
}

/** JSON schema of a list answer whose items follow `item`. */
export function pageSchema<I extends object>(item: I) {
  return {
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: { data: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
  } as const;
}
