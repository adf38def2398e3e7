import { csvError, csvOptions } from './csv.js';
import { documentFromJsonLine, documentFromRow, documentFromTextLine, documentFromValue, type ImportDocument } from './documents.js';
import type { ImportFormat } from './formats.js';
import { ImportInputError } from './input-error.js';
import { JsonArraySplitter, parseArrayElement } from './json-array.js';

/** A document read from a file held in memory, with the line it starts on. */
export interface ParsedDocument {
  doc: ImportDocument;
  line: number;
}

/** The documents of a file and the lines that could not become one (each error names its line). */
export interface ParsedFile {
  documents: ParsedDocument[];
  errors: ImportInputError[];
}

/** A synchronous csv-parse (`csv-parse/sync` or its browser build), passed in so this module stays free of Node. */
export type CsvParseSync = (
  input: string,
  options: ReturnType<typeof csvOptions> & { skip_records_with_error: boolean; on_skip: (err: Error) => void },
) => { record: Record<string, string>; info: { lines: number } }[];

/** The lines of `text` as `labelhook import` reads a file: split on `\n`, a `\r` before it and a leading BOM dropped. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[0]?.charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  return lines;
}

function collect(out: ParsedFile, line: number, read: () => ImportDocument | null): void {
  try {
    const doc = read();
    if (doc) out.documents.push({ doc, line });
  } catch (err) {
    if (err instanceof ImportInputError) out.errors.push(err);
    else throw err;
  }
}

/**
 * Reads a whole file's text into documents with the same rules as `labelhook import`, but collects every bad line
 * instead of stopping at the first (a person fixing a file wants the full list). `column` is the text field or column.
 */
export function parseImportText(text: string, file: string, format: ImportFormat, column: string | undefined, parseCsv: CsvParseSync): ParsedFile {
  const out: ParsedFile = { documents: [], errors: [] };
  if (format === 'jsonl' || format === 'text') {
    splitLines(text).forEach((l, i) => {
      const where = { file, line: i + 1 };
      collect(out, i + 1, () => (format === 'jsonl' ? documentFromJsonLine(l, where, column) : documentFromTextLine(l)));
    });
  } else if (format === 'json') {
    const splitter = new JsonArraySplitter(file);
    try {
      const elements = splitter.push(text);
      splitter.end();
      for (const e of elements) collect(out, e.line, () => documentFromValue(parseArrayElement(e, file), { file, line: e.line }, column));
    } catch (err) {
      if (err instanceof ImportInputError) out.errors.push(err);
      else throw err;
    }
  } else {
    const textColumn = column ?? 'text';
    try {
      const rows = parseCsv(text, {
        ...csvOptions(file, textColumn),
        skip_records_with_error: true,
        on_skip: (err) => out.errors.push(csvError(err, file)),
      });
      for (const { record, info } of rows) out.documents.push({ doc: documentFromRow(record, textColumn), line: info.lines });
    } catch (err) {
      out.errors.push(csvError(err, file));
    }
  }
  return out;
}
