/**
 * A line or element of an import file that cannot become a document. The message starts with `file:line:` so it
 * reads the same in the CLI's output and beside the line in the console.
 */
export class ImportInputError extends Error {
  readonly file: string;
  readonly line: number | undefined;

  constructor(message: string, file: string, line: number | undefined) {
    super(message);
    this.name = 'ImportInputError';
    this.file = file;
    this.line = line;
  }
}
