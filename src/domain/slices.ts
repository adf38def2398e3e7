import type { Kysely, Transaction, TransactionBuilder } from 'kysely';
import type { EventType } from '../events/catalog.js';
import type { StoredEvent } from '../events/event.js';
import { appendEvent, type NewEvent } from '../events/outbox.js';
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

/** `items` mapped a slice per event-loop turn (`fn` gets each item's index in `items`). */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T, index: number) => R): Promise<R[]> {
  const out: R[] = [];
  await eachSlice(items, (part) => {
    for (const item of part) out.push(fn(item, out.length));
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

/** A pause between two slices of a bulk change: yieldToEventLoop, or nothing where yielding is not wanted. */
export type Breather = () => Promise<void>;

/** The breather that does not pause (small changes, and ordinary transactions, which must not hold a commit group). */
export const noPause: Breather = async () => undefined;

/**
 * A pause once `budgetMs` of work went by since the last one: for loops whose items cost unevenly (a bulk label
 * update's documents: a few statements each, plus their labels), so no turn runs much past the budget.
 */
export function pacer(pause: Breather, budgetMs = 20): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await pause();
    since = performance.now();
  };
}

/** A plain object (a JSON object literal's kind): the only kind jsonInSlices looks into. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'toJSON' in value) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Whether `value` holds, within a few levels of plain objects and arrays, an array longer than one slice. */
function holdsLongArray(value: unknown, depth: number): boolean {
  if (depth === 0) return false;
  if (Array.isArray(value)) return value.length > CHUNK_SIZE || value.some((v) => holdsLongArray(v, depth - 1));
  if (!isPlainObject(value)) return false;
  for (const key in value) if (holdsLongArray(value[key], depth - 1)) return true;
  return false;
}

/**
 * Exactly `JSON.stringify(value)`, with every array longer than one slice (inside plain objects and arrays, a few
 * levels deep) stringified a slice at a time, `pause` between two slices: a 10,000-label event is megabytes of JSON.
 */
export async function jsonInSlices(value: unknown, pause: Breather = yieldToEventLoop): Promise<string> {
  if (!holdsLongArray(value, 4)) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    const parts: string[] = [];
    if (value.length > CHUNK_SIZE) {
      const slices = chunked(value);
      for (let i = 0; i < slices.length; i++) {
        if (i > 0) await pause();
        parts.push(JSON.stringify(slices[i]).slice(1, -1));
      }
    } else {
      for (const item of value) parts.push(await jsonInSlices(item, pause));
    }
    return `[${parts.join(',')}]`;
  }
  const fields: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    // As JSON.stringify: object fields that have no JSON form are left out.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    fields.push(`${JSON.stringify(key)}:${await jsonInSlices(v, pause)}`);
  }
  return `{${fields.join(',')}}`;
}

/** appendEvent with the event's `data` stringified in slices (jsonInSlices), `pause` between two of them. */
export async function appendEventInSlices<T extends EventType>(
  trx: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>,
  event: NewEvent<T>,
  now: number,
  pause: Breather,
): Promise<StoredEvent> {
  return appendEvent(trx, { ...event, dataJson: await jsonInSlices(event.data, pause) }, now);
}

// Containers this shallow (an event's envelope, its data, the data's lists) are always walked; deeper ones only
// when their text is longer than a slice (a document carrying 10,000 labels).
const EAGER_DEPTH = 3;
const MAX_DEPTH = 8;
const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;
const QUOTE = 34;
const BACKSLASH = 92;

/** Walks JSON text, parsing its long arrays a slice of items per JSON.parse; see jsonParseInSlices. */
class SlicedJsonParser {
  constructor(
    private readonly text: string,
    private readonly pause: Breather,
    private readonly sliceChars: number,
  ) {}

  private space(i: number): number {
    while (i < this.text.length && isSpace(this.text.charCodeAt(i))) i++;
    return i;
  }

  /** The index after the string starting at `i` (its opening quote). */
  private skipString(i: number): number {
    for (let from = i + 1; ; ) {
      const q = this.text.indexOf('"', from);
      if (q < 0) throw new SyntaxError('unterminated string');
      let k = q - 1;
      while (this.text.charCodeAt(k) === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) return q + 1;
      from = q + 1;
    }
  }

  /** The index after the value starting at `i`. */
  private skipValue(i: number): number {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === QUOTE) return this.skipString(i);
    if (c === 123 || c === 91) {
      let depth = 0;
      for (let k = i; k < text.length; k++) {
        const d = text.charCodeAt(k);
        if (d === QUOTE) k = this.skipString(k) - 1;
        else if (d === 123 || d === 91) depth++;
        else if ((d === 125 || d === 93) && --depth === 0) return k + 1;
      }
      throw new SyntaxError('unterminated container');
    }
    let k = i;
    while (k < text.length) {
      const d = text.charCodeAt(k);
      if (d === 44 || d === 93 || d === 125 || isSpace(d)) break;
      k++;
    }
    if (k === i) throw new SyntaxError('value expected');
    return k;
  }

  private isContainer(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return c === 123 || c === 91;
  }

  /** The value starting at `i` at `depth`, and the index after it. */
  async value(i: number, depth: number): Promise<[unknown, number]> {
    if (this.isContainer(i) && depth < EAGER_DEPTH) return this.container(i, depth);
    const end = this.skipValue(i);
    if (this.isContainer(i) && end - i > this.sliceChars && depth < MAX_DEPTH) return this.container(i, depth);
    return [JSON.parse(this.text.slice(i, end)), end];
  }

  private container(i: number, depth: number): Promise<[unknown, number]> {
    return this.text.charCodeAt(i) === 91 ? this.array(i, depth) : this.object(i, depth);
  }

  private async object(start: number, depth: number): Promise<[unknown, number]> {
    const out: Record<string, unknown> = {};
    let i = this.space(start + 1);
    if (this.text.charCodeAt(i) === 125) return [out, i + 1];
    for (;;) {
      if (this.text.charCodeAt(i) !== QUOTE) throw new SyntaxError('key expected');
      const keyEnd = this.skipString(i);
      const key = JSON.parse(this.text.slice(i, keyEnd)) as string;
      i = this.space(keyEnd);
      if (this.text.charCodeAt(i) !== 58) throw new SyntaxError('colon expected');
      const [v, end] = await this.value(this.space(i + 1), depth + 1);
      // As JSON.parse: "__proto__" is an own key, not the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      i = this.space(end);
      const c = this.text.charCodeAt(i);
      if (c === 125) return [out, i + 1];
      if (c !== 44) throw new SyntaxError('comma expected');
      i = this.space(i + 1);
    }
  }

  private async array(start: number, depth: number): Promise<[unknown, number]> {
    const out: unknown[] = [];
    let i = this.space(start + 1);
    if (this.text.charCodeAt(i) === 93) return [out, i + 1];
    // Consecutive small items, parsed together once they make a slice.
    let from = -1;
    let to = -1;
    const flush = async (): Promise<void> => {
      if (from < 0) return;
      for (const item of JSON.parse(`[${this.text.slice(from, to)}]`) as unknown[]) out.push(item);
      from = -1;
      await this.pause();
    };
    for (;;) {
      const end = this.skipValue(i);
      if (this.isContainer(i) && end - i > this.sliceChars && depth + 1 < MAX_DEPTH) {
        await flush();
        out.push((await this.container(i, depth + 1))[0]);
      } else {
        if (from < 0) from = i;
        to = end;
        if (to - from >= this.sliceChars) await flush();
      }
      i = this.space(end);
      const c = this.text.charCodeAt(i);
      if (c === 93) {
        await flush();
        return [out, i + 1];
      }
      if (c !== 44) throw new SyntaxError('comma expected');
      i = this.space(i + 1);
    }
  }
}

/**
 * Exactly `JSON.parse(text)`, with text longer than `sliceChars` walked and its arrays parsed a slice of items at a
 * time, `pause` between slices: a 100,000-document event is 16 MB of JSON, and one JSON.parse of it blocks every
 * other request for 100 ms or more. Text that is not valid JSON gets JSON.parse's own error.
 */
export async function jsonParseInSlices(text: string, pause: Breather = yieldToEventLoop, sliceChars = 256 * 1024): Promise<unknown> {
  if (text.length <= sliceChars) return JSON.parse(text) as unknown;
  const parser = new SlicedJsonParser(text, pause, sliceChars);
  try {
    let i = 0;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    const [value, end] = await parser.value(i, 0);
    let k = end;
    while (k < text.length && isSpace(text.charCodeAt(k))) k++;
    if (k !== text.length) throw new SyntaxError('trailing text');
    return value;
  } catch {
    return JSON.parse(text) as unknown;
  }
}
