import { ImportInputError } from './input-error.js';

/** A document as `POST /projects/{id}/documents` takes it. */
export interface ImportDocument {
  key?: string;
  name?: string;
  text?: string;
  data?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * A parsed JSON value (a JSONL line or an array element) as a document: a string is the text; an object gives
 * `key`, `name`, `text` (or the `column` field) and `data`; an object with neither text nor data is the data itself.
 * `where` is `file:line`, for the error message.
 */
export function documentFromValue(value: unknown, where: { file: string; line: number }, column: string | undefined): ImportDocument {
  const at = `${where.file}:${where.line}`;
  if (typeof value === 'string') return { text: value };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new ImportInputError(`${at}: expected a JSON object or string, got ${got}`, where.file, where.line);
  }
  const o = value as Record<string, unknown>;
  const doc: ImportDocument = {};
  const key = str(o.key);
  const name = str(o.name);
  if (key !== undefined) doc.key = key;
  if (name !== undefined) doc.name = name;
  if (column !== undefined) {
    const text = o[column];
    if (typeof text !== 'string') throw new ImportInputError(`${at}: no string field "${column}" (chosen with --column)`, where.file, where.line);
    doc.text = text;
    return doc;
  }
  if (typeof o.text === 'string') doc.text = o.text;
  if (o.data !== undefined) doc.data = o.data;
  if (doc.text === undefined && doc.data === undefined) {
    const { key: _k, name: _n, ...rest } = o;
    doc.data = rest;
  }
  return doc;
}

/** A CSV row as a document: the text column, `key` and `name` columns when present, the other columns as data. */
export function documentFromRow(row: Record<string, string>, column: string): ImportDocument {
  const { [column]: text, key, name, ...rest } = row;
  const doc: ImportDocument = { text: text ?? '' };
  if (column !== 'key' && key) doc.key = key;
  if (column !== 'name' && name) doc.name = name;
  if (Object.keys(rest).length > 0) doc.data = rest;
  return doc;
}

/** One JSONL line as a document, or null for a blank line (skipped). */
export function documentFromJsonLine(text: string, where: { file: string; line: number }, column: string | undefined): ImportDocument | null {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ImportInputError(`${where.file}:${where.line}: not valid JSON (${(err as Error).message})`, where.file, where.line);
  }
  return documentFromValue(value, where, column);
}

/** One line of a plain-text file as a document (its text), or null for a blank line (skipped). */
export function documentFromTextLine(text: string): ImportDocument | null {
  return text.trim() === '' ? null : { text };
}
