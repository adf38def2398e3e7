import { CliUsageError } from '../../errors.js';

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
 * `key`, `name`, `text` (or the `--column` field) and `data`; an object with neither text nor data is the data itself.
 */
export function documentFromValue(value: unknown, where: string, column: string | undefined): ImportDocument {
  if (typeof value === 'string') return { text: value };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliUsageError(`${where}: expected a JSON object or string, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, { where }, 'import_invalid_input');
  }
  const o = value as Record<string, unknown>;
  const doc: ImportDocument = {};
  const key = str(o.key);
  const name = str(o.name);
  if (key !== undefined) doc.key = key;
  if (name !== undefined) doc.name = name;
  if (column !== undefined) {
    const text = o[column];
    if (typeof text !== 'string') throw new CliUsageError(`${where}: no string field "${column}" (chosen with --column)`, { where }, 'import_invalid_input');
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
