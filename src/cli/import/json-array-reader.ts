import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CliUsageError } from '../../errors.js';

/** One element of a JSON array file. */
export interface ArrayElement {
  value: unknown;
  /** Line where the element starts. */
  line: number;
  /** Bytes of the file read so far (for progress; read-buffer granularity). */
  bytes: number;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0xfeff]);

/**
 * The elements of a file holding one JSON array, streamed element by element: the file is never parsed as a whole,
 * so a large array imports in bounded memory. Errors name the file and the line of the offending element.
 */
export async function* readJsonArray(path: string, label: string): AsyncGenerator<ArrayElement> {
  const fail = (line: number, what: string): never => {
    throw new CliUsageError(`${label}:${line}: ${what}`, { file: label, line }, 'import_invalid_input');
  };
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const decoder = new StringDecoder('utf8');
  let state: 'start' | 'between' | 'element' | 'end' = 'start';
  let needValue = true;
  let sawComma = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let elementLine = 0;
  let line = 1;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const s = decoder.write(chunk);
    let segment = 0;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === 0x5c) escaped = true;
          else if (ch === 0x22) inString = false;
        } else if (ch === 0x22) inString = true;
        else if (ch === 0x7b || ch === 0x5b) depth++;
        else if ((ch === 0x7d || ch === 0x5d) && depth > 0) depth--;
        else if (depth === 0 && (ch === 0x2c || ch === 0x5d)) {
          // The element ends before this comma or closing bracket, which is then read as a separator.
          const text = parts.join('') + s.slice(segment, i);
          parts = [];
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (err) {
            fail(elementLine, `not valid JSON (${(err as Error).message})`);
          }
          yield { value, line: elementLine, bytes: stream.bytesRead };
          state = 'between';
          needValue = false;
        }
        if (state === 'element') {
          if (ch === 0x0a) line++;
          continue;
        }
      }
      if (ch === 0x0a) line++;
      if (WS.has(ch)) continue;
      if (state === 'start') {
        if (ch !== 0x5b) fail(line, 'expected a JSON array ("[" ... "]"); use --format jsonl for one JSON value per line');
        state = 'between';
        needValue = true;
      } else if (state === 'between') {
        if (ch === 0x2c) {
          if (needValue) fail(line, 'unexpected ","');
          needValue = true;
          sawComma = true;
        } else if (ch === 0x5d) {
          if (needValue && sawComma) fail(line, 'a "," is followed by "]" (trailing comma)');
          state = 'end';
        } else {
          if (!needValue) fail(line, 'expected "," or "]" between array elements');
          state = 'element';
          elementLine = line;
          segment = i;
          depth = 0;
          inString = false;
          escaped = false;
          i--; // read this character again as the element's first
        }
      } else if (state === 'end') {
        fail(line, 'unexpected content after the closing "]"');
      }
    }
    if (state === 'element') parts.push(s.slice(segment));
  }
  const finalState = state as string;
  if (finalState !== 'end') fail(line, finalState === 'start' ? 'the file is empty; expected a JSON array' : 'the array is not closed with "]" (is the file truncated?)');
}
