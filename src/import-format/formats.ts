/** The formats `labelhook import` and the console's import read. */
export type ImportFormat = 'jsonl' | 'json' | 'csv' | 'text';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['jsonl', 'json', 'csv', 'text'];

/** The lower-cased extension of a file name, with its dot (`.csv`), or '' (like node's path.extname). */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** The format implied by a file name: .jsonl/.ndjson, .json, .csv/.tsv, .txt/.text; undefined when unknown. */
export function formatOfName(name: string): ImportFormat | undefined {
  switch (extensionOf(name)) {
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
