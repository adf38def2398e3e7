import type { ExportFormat } from '../export-format.js';
import type { ExportFormatName } from '../export-options.js';
import { conllExport } from './conll.js';
import { csvExport } from './csv.js';
import { jsonlExport } from './jsonl.js';
import { labelStudioExport } from './label-studio.js';

const FORMATS: Record<ExportFormatName, ExportFormat> = {
  jsonl: jsonlExport,
  'label-studio': labelStudioExport,
  conll: conllExport,
  csv: csvExport,
};

/** The export format called `name` (validated by parseExportOptions). */
export function exportFormat(name: ExportFormatName): ExportFormat {
  return FORMATS[name];
}
