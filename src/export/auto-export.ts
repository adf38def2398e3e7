import type { Transaction } from 'kysely';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import type { DatabaseSchema } from '../store/schema.js';
import { parseExportOptions, type ExportFormatName, type ExportStatus } from './export-options.js';

/** The events that can start an auto-export. */
export const AUTO_EXPORT_EVENTS = ['PROJECT_COMPLETED', 'PROJECT_REVIEWED'] as const;
export type AutoExportEvent = (typeof AUTO_EXPORT_EVENTS)[number];

/** A project's auto-export setting: which completions start an export job, in which format, of which documents. */
export interface AutoExportSetting {
  on: AutoExportEvent[];
  format: ExportFormatName;
  status: ExportStatus;
}

/** Validates an auto-export setting from a PATCH (format and status as for exports: 422 listing the valid ones). */
export function normalizeAutoExport(input: { on: string[]; format: string; status?: string }): AutoExportSetting {
  const on = [...new Set(input.on)];
  const bad = on.filter((e) => !(AUTO_EXPORT_EVENTS as readonly string[]).includes(e));
  if (on.length === 0 || bad.length > 0) {
    throw new ValidationError(`autoExport.on must list some of ${AUTO_EXPORT_EVENTS.join(', ')}.`, { on: input.on, allowed: AUTO_EXPORT_EVENTS }, 'invalid_auto_export');
  }
  const { format, status } = parseExportOptions({ format: input.format, status: input.status ?? 'all' });
  return { on: on as AutoExportEvent[], format, status };
}

/** The stored setting (projects.auto_export), or null. */
export function parseAutoExport(stored: string | null | undefined): AutoExportSetting | null {
  return stored ? (JSON.parse(stored) as AutoExportSetting) : null;
}

/**
 * Queues the project's auto-export when `event` is one it is set for, in the completion's own transaction, so a
 * completion that commits always has its export job (and one that rolls back has none). Answers the job id or null.
 */
export async function queueAutoExport(
  trx: Transaction<DatabaseSchema>,
  project: { id: string; team_id: string; auto_export?: string | null },
  event: AutoExportEvent,
  memberId: string,
  now: number,
): Promise<string | null> {
  const setting = parseAutoExport(project.auto_export);
  if (!setting?.on.includes(event)) return null;
  const id = newId('exp', now);
  await trx
    .insertInto('export_jobs')
    .values({
      id,
      team_id: project.team_id,
      project_id: project.id,
      format: setting.format,
      status_filter: setting.status,
      since: null,
      trigger: event,
      requested_by: memberId,
      state: 'queued',
      attempts: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}
