import type { ProjectRef, TeamRef } from '../events/event.js';
import type { ExportFormatName } from './export-options.js';
import type { ExportDocument } from './export-reader.js';

/** Turns pages of documents into the text of one export file; made once per export (it may keep state). */
export interface ExportWriter {
  /** What the file starts with ('' for line formats). */
  start(): string;
  /** The text of one page of documents. */
  page(docs: ExportDocument[]): string;
  /** What the file ends with. */
  end(): string;
}

/** One export file format (docs/export.md "Formats"). */
export interface ExportFormat {
  name: ExportFormatName;
  contentType: string;
  /** File name extension, without the dot. */
  extension: string;
  writer(project: ProjectRef, team: TeamRef): ExportWriter;
}
