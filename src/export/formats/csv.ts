import { stringify } from 'csv-stringify/sync';
import type { ExportFormat } from '../export-format.js';
import type { ExportDocument } from '../export-reader.js';

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  'document_id',
  'document_key',
  'document_name',
  'text',
  'completed',
  'reviewed',
  'label_id',
  'type',
  'label',
  'label_set_item_id',
  'cell_index',
  'cell_line',
  'annotation_id',
  'member_id',
  'member_email',
  'labeled_by',
  'confidence_score',
  'created_at',
  'updated_at',
] as const;

/** One row per ROW or DOCUMENT label; a document with none is one row with empty label columns. */
function rowsOf(doc: ExportDocument): unknown[][] {
  const base = [doc.id, doc.key ?? '', doc.name, doc.text ?? '', doc.completed, doc.reviewed];
  const rows: unknown[][] = [];
  for (const a of doc.annotations) {
    for (const l of a.labels) {
      if (l.type === 'SPAN') continue;
      rows.push([
        ...base,
        l.id,
        l.type,
        l.label,
        l.labelSetItemId,
        l.startCellIndex,
        l.startCellLine,
        a.id,
        a.memberId,
        a.member?.email ?? '',
        l.labeledBy,
        l.confidenceScore ?? '',
        l.createdAt,
        l.updatedAt,
      ]);
    }
  }
  return rows.length > 0 ? rows : [[...base, ...CSV_COLUMNS.slice(base.length).map(() => '')]];
}

/** CSV (RFC 4180, header row) of row and document labels, written with csv-stringify. */
export const csvExport: ExportFormat = {
  name: 'csv',
  contentType: 'text/csv; charset=utf-8',
  extension: 'csv',
  writer: () => ({
    start: () => stringify([[...CSV_COLUMNS]]),
    page: (docs) => stringify(docs.flatMap(rowsOf), { cast: { boolean: (v) => (v ? 'true' : 'false') } }),
    end: () => '',
  }),
};
