import { createReadStream } from 'node:fs';

/** One line of a file, without its line break. */
export interface FileLine {
  text: string;
  /** 1-based line number. */
  line: number;
  /** Bytes of the file consumed up to and including this line (for progress). */
  bytes: number;
}

/**
 * The lines of a file, streamed: only the current read buffer and one line are ever held, so a file of any size
 * imports in bounded memory. Splits on the `\n` byte (safe in UTF-8) and drops a `\r` before it and a leading BOM.
 */
export async function* readLines(path: string): AsyncGenerator<FileLine> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  let carry: Buffer[] = [];
  let line = 0;
  let bytes = 0;
  const decode = (buf: Buffer): string => {
    let text = buf.toString('utf8');
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const buf = carry.length > 0 ? Buffer.concat([...carry, piece]) : piece;
      carry = [];
      bytes += buf.length + 1;
      line++;
      yield { text: decode(buf), line, bytes };
      start = nl + 1;
    }
    // Copy the tail: a subarray would pin the whole read buffer until the line ends.
    if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
  }
  if (carry.length > 0) {
    const buf = Buffer.concat(carry);
    bytes += buf.length;
    line++;
    yield { text: decode(buf), line, bytes };
  }
}
