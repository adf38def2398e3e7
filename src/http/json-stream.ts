import { Readable } from 'node:stream';
import { CHUNK_SIZE } from '../domain/chunked.js';

/**
 * A JSON answer `{...head, [key]: items}` as a stream that stringifies `items` a slice at a time as the socket takes
 * it: one serialization of a 100,000-document answer (~15 MB) would block every other request for a second. The
 * route's response schema still documents the shape; each item must already be in that shape.
 */
export function jsonStreamWithList(head: Record<string, unknown>, key: string, items: readonly unknown[]): Readable {
  async function* chunks(): AsyncGenerator<string> {
    const start = JSON.stringify(head);
    yield `${start.length > 2 ? `${start.slice(0, -1)},` : '{'}${JSON.stringify(key)}:[`;
    for (let i = 0; i < items.length; i += CHUNK_SIZE) {
      const part = JSON.stringify(items.slice(i, i + CHUNK_SIZE)).slice(1, -1);
      yield i === 0 ? part : `,${part}`;
      // Readable.from pulls the next chunk in a later turn once the socket drained; this keeps a fast socket from
      // taking the whole answer in one turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
    yield ']}';
  }
  return Readable.from(chunks(), { objectMode: false });
}
