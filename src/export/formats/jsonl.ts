import type { ExportFormat } from '../export-format.js';

/** labelhook's own format: one document per line with its completions and every member's labels, every field. */
export const jsonlExport: ExportFormat = {
  name: 'jsonl',
  contentType: 'application/x-ndjson; charset=utf-8',
  extension: 'jsonl',
  writer: () => ({
    start: () => '',
    page: (docs) => docs.map((d) => `${JSON.stringify(d)}\n`).join(''),
    end: () => '',
  }),
};
