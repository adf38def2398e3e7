import { extensionOf } from './formats.js';
import { ImportInputError } from './input-error.js';

/** The csv-parse options of an import: header row required, it must hold the text column; a .tsv file is tab-separated. */
export function csvOptions(file: string, column: string) {
  return {
    bom: true,
    delimiter: extensionOf(file) === '.tsv' ? '\t' : ',',
    skip_empty_lines: true,
    info: true as const,
    columns: (header: string[]) => {
      if (!header.includes(column)) {
        throw new ImportInputError(`${file}:1: no "${column}" column (columns: ${header.join(', ')}); choose the text column with --column`, file, 1);
      }
      return header;
    },
  };
}

/** A csv-parse error as an import error naming the line. */
export function csvError(err: unknown, file: string): ImportInputError {
  if (err instanceof ImportInputError) return err;
  const line = (err as { lines?: number }).lines;
  return new ImportInputError(`${file}:${line ?? '?'}: not valid CSV (${(err as Error).message})`, file, line);
}
