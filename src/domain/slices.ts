import type { TransactionBuilder } from 'kysely';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Store } from '../store/db.js';
import type { DatabaseSchema } from '../store/schema.js';
import { chunked, CHUNK_SIZE } from './chunked.js';

/**
 * Lets the event loop answer other requests before the next slice of a bulk change (an import, delete or label
 * update of thousands of rows): each slice is bounded (one chunk of rows), so no request waits on more than one.
 */
export function yieldToEventLoop(): Promise<void> {
  return nextTurn();
}

/** Runs `fn` on consecutive slices of `items`, yielding to the event loop between two slices (not after the last). */
export async function eachSlice<T>(items: readonly T[], fn: (part: T[]) => Promise<void> | void, size = CHUNK_SIZE): Promise<void> {
  const parts = chunked(items, size);
  for (let i = 0; i < parts.length; i++) {
    await fn(parts[i]!);
    if (i < parts.length - 1) await yieldToEventLoop();
  }
}

/** `items` mapped a slice per event-loop turn. */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  await eachSlice(items, (part) => {
    for (const item of part) out.push(fn(item));
  });
  return out;
}

/**
 * The transaction for a change of `count` rows: past one chunk, a bulk transaction (on SQLite a commit group of its
 * own, which may yield between slices without holding other requests' commits); else an ordinary one.
 */
export function transactionFor(store: Store, count: number): TransactionBuilder<DatabaseSchema> {
  return count > CHUNK_SIZE ? store.bulkTransaction() : store.db.transaction();
}

/**
 * The JSON text of `items` as an array, stringified a slice per event-loop turn: a 100,000-document list is ~15 MB
 * of JSON, and one JSON.stringify of it blocks every other request for 100 ms or more.
 */
export async function jsonArrayInSlices(items: readonly unknown[]): Promise<string> {
  const parts: string[] = [];
  await eachSlice(items, (part) => {
    parts.push(JSON.stringify(part).slice(1, -1));
  });
  return `[${parts.join(',')}]`;
}

/** The JSON text of a flat object, its array values stringified in slices (key order kept, as JSON.stringify). */
export async function objectJsonInSlices(fields: Record<string, unknown>): Promise<string> {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const json = Array.isArray(value) ? await jsonArrayInSlices(value) : JSON.stringify(value);
    parts.push(`${JSON.stringify(key)}:${json}`);
  }
  return `{${parts.join(',')}}`;
}
