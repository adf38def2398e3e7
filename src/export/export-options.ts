import { ValidationError } from '../errors.js';
import { parseSince } from '../input-parsers.js';

/** The file formats an export can be written in. */
export const EXPORT_FORMATS = ['jsonl', 'label-studio', 'conll', 'csv'] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

/** Which documents an export holds: every active one, the completed ones (reviewed included) or the reviewed ones. */
export const EXPORT_STATUSES = ['all', 'completed', 'reviewed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** What to export, validated. */
export interface ExportOptions {
  format: ExportFormatName;
  status: ExportStatus;
  /** Epoch ms: only documents changed at or after it; null for all. */
  since: number | null;
}

/** Validates raw format/status/since values; an unknown one is a 422 that lists the valid ones. */
export function parseExportOptions(raw: { format?: string | undefined; status?: string | undefined; since?: string | undefined }): ExportOptions {
  const format = raw.format ?? 'jsonl';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ValidationError(
      `Unknown export format "${format}"; use one of ${EXPORT_FORMATS.join(', ')}.`,
      { format, allowed: EXPORT_FORMATS },
      'unknown_export_format',
    );
  }
  const status = raw.status ?? 'all';
  if (!(EXPORT_STATUSES as readonly string[]).includes(status)) {
    throw new ValidationError(
      `Unknown export status "${status}"; use one of ${EXPORT_STATUSES.join(', ')}.`,
      { status, allowed: EXPORT_STATUSES },
      'unknown_export_status',
    );
  }
  const since = raw.since !== undefined && raw.since !== '' ? parseSince(raw.since) : null;
  return { format: format as ExportFormatName, status: status as ExportStatus, since };
}
