import { parse } from 'csv-parse/browser/esm/sync';
import { formatOfName, parseImportText, type CsvParseSync, type ImportDocument, type ImportFormat, type ParsedFile } from '../../src/import-format/index.ts';

/** Documents per import request: one TASKS_CREATED event each, like `labelhook import --chunk-size`. */
export const IMPORT_CHUNK = 1000;
/** A request is also cut at this many characters, so long documents stay under the server's body limit. */
export const IMPORT_CHUNK_CHARS = 8 * 1024 * 1024;

/** Reads a chosen or dropped file with the parsing of `labelhook import` (the shared import-format module). */
export async function readImportFile(file: File, format: ImportFormat | undefined, column: string | undefined): Promise<{ format: ImportFormat; parsed: ParsedFile } | { error: string }> {
  const chosen = format ?? formatOfName(file.name);
  if (!chosen) return { error: `${file.name}: cannot tell the format from the name; choose JSONL, JSON, CSV/TSV or text.` };
  const text = await file.text();
  return { format: chosen, parsed: parseImportText(text, file.name, chosen, column, parse as unknown as CsvParseSync) };
}

/** The documents cut into requests of at most IMPORT_CHUNK documents and about IMPORT_CHUNK_CHARS characters. */
export function importChunks(docs: ImportDocument[]): ImportDocument[][] {
  const chunks: ImportDocument[][] = [];
  let current: ImportDocument[] = [];
  let chars = 0;
  for (const d of docs) {
    const size = (d.text?.length ?? 0) + (d.data === undefined ? 0 : JSON.stringify(d.data).length);
    if (current.length > 0 && (current.length >= IMPORT_CHUNK || chars + size > IMPORT_CHUNK_CHARS)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(d);
    chars += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
