import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { JsonArraySplitter, parseArrayElement } from '../../import-format/index.js';

/** One element of a JSON array file. */
export interface ArrayElement {
  value: unknown;
  /** Line where the element starts. */
  line: number;
  /** Bytes of the file read so far (for progress; read-buffer granularity). */
  bytes: number;
}

/**
 * The elements of a file holding one JSON array, streamed element by element: the file is never parsed as a whole,
 * so a large array imports in bounded memory. Errors (ImportInputError) name the file and the line of the offending element.
 */
export async function* readJsonArray(path: string, label: string): AsyncGenerator<ArrayElement> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const decoder = new StringDecoder('utf8');
  const splitter = new JsonArraySplitter(label);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (const element of splitter.push(decoder.write(chunk))) {
      yield { value: parseArrayElement(element, label), line: element.line, bytes: stream.bytesRead };
    }
  }
  splitter.end();
}
