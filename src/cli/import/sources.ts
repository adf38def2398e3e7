import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { CliUsageError } from '../../errors.js';
import {
  csvError,
  csvOptions,
  documentFromJsonLine,
  documentFromRow,
  documentFromTextLine,
  documentFromValue,
  formatOfName,
  IMPORT_FORMATS,
  ImportInputError,
  type ImportDocument,
  type ImportFormat,
} from '../../import-format/index.js';
import { readJsonArray } from './json-array-reader.js';
import { readLines } from './line-reader.js';

export { IMPORT_FORMATS, type ImportFormat };

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
  return isDirectory ? 'text' : formatOfName(path);
}

/** The records of `records`, with a bad line's ImportInputError turned into the CLI's usage error (exit 2). */
async function* asCliErrors(records: AsyncGenerator<SourceRecord>): AsyncGenerator<SourceRecord> {
  try {
    yield* records;
  } catch (err) {
    if (err instanceof ImportInputError) throw new CliUsageError(err.message, { file: err.file, line: err.line }, 'import_invalid_input');
    throw err;
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
  const records = {
    jsonl: () => readJsonl(path, label, column),
    json: () => readJson(path, label, column),
    csv: () => readCsv(path, label, column ?? 'text'),
    text: () => readText(path, label),
  }[chosen]();
  return { format: chosen, totalBytes: info.size, records: asCliErrors(records) };
}

async function* readJsonl(path: string, label: string, column: string | undefined): AsyncGenerator<SourceRecord> {
  for await (const { text, line, bytes } of readLines(path)) {
    const doc = documentFromJsonLine(text, { file: label, line }, column);
    if (doc) yield { doc, where: `${label}:${line}`, bytes };
  }
}

async function* readJson(path: string, label: string, column: string | undefined): AsyncGenerator<SourceRecord> {
  for await (const { value, line, bytes } of readJsonArray(path, label)) {
    yield { doc: documentFromValue(value, { file: label, line }, column), where: `${label}:${line}`, bytes };
  }
}

async function* readCsv(path: string, label: string, column: string): AsyncGenerator<SourceRecord> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const parser = stream.pipe(parse(csvOptions(label, column)));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { doc: documentFromRow(record, column), where: `${label}:${info.lines}`, bytes: stream.bytesRead };
    }
  } catch (err) {
    throw csvError(err, label);
  } finally {
    stream.destroy();
  }
}

async function* readText(path: string, label: string): AsyncGenerator<SourceRecord> {
  for await (const { text, line, bytes } of readLines(path)) {
    const doc = documentFromTextLine(text);
    if (doc) yield { doc, where: `${label}:${line}`, bytes };
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
