import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse } from 'csv-parse';
import { CliUsageError } from '../../errors.js';
import { readJsonArray } from './json-array-reader.js';
import { readLines } from './line-reader.js';
import { documentFromRow, documentFromValue, type ImportDocument } from './to-document.js';

export type ImportFormat = 'jsonl' | 'json' | 'csv' | 'text';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['jsonl', 'json', 'csv', 'text'];

/** One document read from the input, with where it came from. */
export interface SourceRecord {
  doc: ImportDocument;
  /** `file:line` (or the file, for one document per file). */
  where: string;
  /** Bytes of the input consumed so far. */
  bytes: number;
}

/** A streamed import input. */
export interface ImportSource {
  format: ImportFormat;
  totalBytes: number;
  records: AsyncGenerator<SourceRecord>;
}

/** The format implied by a path: a folder or .txt is text, .jsonl/.ndjson, .json, .csv/.tsv by name. */
export function detectFormat(path: string, isDirectory: boolean): ImportFormat | undefined {
  if (isDirectory) return 'text';
  switch (extname(path).toLowerCase()) {
    case '.jsonl':
    case '.ndjson':
      return 'jsonl';
    case '.json':
      return 'json';
    case '.csv':
    case '.tsv':
      return 'csv';
    case '.txt':
    case '.text':
      return 'text';
    default:
      return undefined;
  }
}

/** Opens FILE or FOLDER as a stream of documents in `format` (detected from the name when not given). */
export async function openSource(path: string, format: ImportFormat | undefined, column: string | undefined): Promise<ImportSource> {
  const info = await stat(path).catch(() => {
    throw new CliUsageError(`${path}: no such file or folder`, { path }, 'import_file_missing');
  });
  const chosen = format ?? detectFormat(path, info.isDirectory());
  if (!chosen) throw new CliUsageError(`${path}: cannot tell the format from the name; pass --format ${IMPORT_FORMATS.join('|')}`);
  if (info.isDirectory()) {
    if (chosen !== 'text') throw new CliUsageError(`${path} is a folder: only --format text imports a folder (one document per file)`);
    const files = await folderFiles(path);
    const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
    return { format: chosen, totalBytes, records: readFolder(path, files) };
  }
  const label = path;
  switch (chosen) {
    case 'jsonl':
      return { format: chosen, totalBytes: info.size, records: readJsonl(path, label, column) };
    case 'json':
      return { format: chosen, totalBytes: info.size, records: readJson(path, label, column) };
    case 'csv':
      return { format: chosen, totalBytes: info.size, records: readCsv(path, label, column ?? 'text') };
    case 'text':
      return { format: chosen, totalBytes: info.size, records: readText(path, label) };
  }
}

async function* readJsonl(path: string, label: string, column: string | undefined): AsyncGenerator<SourceRecord> {
  for await (const { text, line, bytes } of readLines(path)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new CliUsageError(`${label}:${line}: not valid JSON (${(err as Error).message})`, { file: label, line }, 'import_invalid_input');
    }
    yield { doc: documentFromValue(value, `${label}:${line}`, column), where: `${label}:${line}`, bytes };
  }
}

async function* readJson(path: string, label: string, column: string | undefined): AsyncGenerator<SourceRecord> {
  for await (const { value, line, bytes } of readJsonArray(path, label)) {
    yield { doc: documentFromValue(value, `${label}:${line}`, column), where: `${label}:${line}`, bytes };
  }
}

async function* readCsv(path: string, label: string, column: string): AsyncGenerator<SourceRecord> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const parser = stream.pipe(
    parse({
      bom: true,
      delimiter: extname(path).toLowerCase() === '.tsv' ? '\t' : ',',
      skip_empty_lines: true,
      info: true,
      columns: (header: string[]) => {
        if (!header.includes(column)) {
          throw new CliUsageError(`${label}:1: no "${column}" column (columns: ${header.join(', ')}); choose the text column with --column`, { file: label, line: 1 }, 'import_invalid_input');
        }
        return header;
      },
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { doc: documentFromRow(record, column), where: `${label}:${info.lines}`, bytes: stream.bytesRead };
    }
  } catch (err) {
    if (err instanceof CliUsageError) throw err;
    const line = (err as { lines?: number }).lines;
    throw new CliUsageError(`${label}:${line ?? '?'}: not valid CSV (${(err as Error).message})`, { file: label, line }, 'import_invalid_input');
  } finally {
    stream.destroy();
  }
}

async function* readText(path: string, label: string): AsyncGenerator<SourceRecord> {
  for await (const { text, line, bytes } of readLines(path)) {
    if (text.trim() === '') continue;
    yield { doc: { text }, where: `${label}:${line}`, bytes };
  }
}

interface FolderFile {
  name: string;
  size: number;
}

async function folderFiles(dir: string): Promise<FolderFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: FolderFile[] = [];
  // Hidden files (.DS_Store, .gitkeep) are never documents; sorted so re-running imports in the same order.
  for (const e of entries.filter((e) => e.isFile() && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    files.push({ name: e.name, size: (await stat(join(dir, e.name))).size });
  }
  if (files.length === 0) throw new CliUsageError(`${dir}: the folder has no files to import`);
  return files;
}

async function* readFolder(dir: string, files: FolderFile[]): AsyncGenerator<SourceRecord> {
  let bytes = 0;
  for (const file of files) {
    const text = await readFile(join(dir, file.name), 'utf8');
    bytes += file.size;
    // The file name is the key, so importing the folder again is refused as a duplicate rather than doubling it.
    yield { doc: { key: file.name, name: file.name, text }, where: join(dir, file.name), bytes };
  }
}
