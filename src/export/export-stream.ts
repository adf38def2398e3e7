import type { Kysely, Selectable } from 'kysely';
import { toProjectRef } from '../domain/views.js';
import type { TeamRef } from '../events/event.js';
import type { DatabaseSchema, ProjectTable } from '../store/schema.js';
import type { ExportFormat } from './export-format.js';
import type { ExportOptions } from './export-options.js';
import { readExportPages } from './export-reader.js';
import { exportFormat } from './formats/registry.js';

/** Documents and labels written so far by one export. */
export interface ExportCounts {
  documents: number;
  labels: number;
}

/** A ready-to-stream export: its format, a file name, and the text chunks (read from the database as they are pulled). */
export interface ExportStream {
  format: ExportFormat;
  fileName: string;
  counts: ExportCounts;
  chunks: AsyncGenerator<string>;
}

async function* chunksOf(db: Kysely<DatabaseSchema>, project: Selectable<ProjectTable>, team: TeamRef, options: ExportOptions, format: ExportFormat, counts: ExportCounts): AsyncGenerator<string> {
  const ref = toProjectRef(project);
  const writer = format.writer(ref, team);
  // The opening is sent before the first page is read: first bytes go out at once.
  const start = writer.start();
  if (start) yield start;
  for await (const docs of readExportPages(db, { project, status: options.status, since: options.since }, ref)) {
    counts.documents += docs.length;
    for (const d of docs) for (const a of d.annotations) counts.labels += a.labels.length;
    yield writer.page(docs);
  }
  const end = writer.end();
  if (end) yield end;
}

/**
 * The export of `project` in `options`: nothing is read until the chunks are pulled, and each page of documents is
 * read only when the consumer has taken the previous one (a stream's backpressure reaches the database).
 */
export function exportStream(db: Kysely<DatabaseSchema>, project: Selectable<ProjectTable>, team: TeamRef, options: ExportOptions): ExportStream {
  const format = exportFormat(options.format);
  const counts: ExportCounts = { documents: 0, labels: 0 };
  return { format, fileName: `${project.id}.${format.extension}`, counts, chunks: chunksOf(db, project, team, options, format, counts) };
}
