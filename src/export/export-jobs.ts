import type { Selectable } from 'kysely';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../domain/principal.js';
import { getProject } from '../domain/projects.js';
import { NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import type { ExportJobTable } from '../store/schema.js';
import { downloadUrl } from './download-link.js';
import { parseExportOptions } from './export-options.js';
import { wakeExportRunner } from './runner-wake.js';

/** An export job as the API answers it; `downloadUrl` is a fresh signed link while the file is there. */
export interface ExportJobView {
  id: string;
  projectId: string;
  format: ExportJobTable['format'];
  status: ExportJobTable['status_filter'];
  since: string | null;
  trigger: string;
  state: ExportJobTable['state'];
  attempts: number;
  documentCount: number | null;
  labelCount: number | null;
  byteSize: number | null;
  sha256: string | null;
  fileName: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  prunedAt: string | null;
  downloadUrl: string | null;
  downloadExpiresAt: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

/** A job row as the API shows it, with a download link valid for config.exportLinkTtlMs from now. */
export function toExportJobView(ctx: AppContext, row: Selectable<ExportJobTable>): ExportJobView {
  const downloadable = row.state === 'completed' && row.pruned_at === null;
  const expires = ctx.clock() + ctx.config.exportLinkTtlMs;
  return {
    id: row.id,
    projectId: row.project_id,
    format: row.format,
    status: row.status_filter,
    since: iso(row.since),
    trigger: row.trigger,
    state: row.state,
    attempts: row.attempts,
    documentCount: row.document_count,
    labelCount: row.label_count,
    byteSize: row.byte_size === null ? null : Number(row.byte_size),
    sha256: row.sha256,
    fileName: row.file_name,
    error: row.error,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    completedAt: iso(row.completed_at),
    prunedAt: iso(row.pruned_at),
    downloadUrl: downloadable ? downloadUrl(ctx, row.id, row.team_id, expires) : null,
    downloadExpiresAt: downloadable ? iso(expires) : null,
  };
}

/** `POST /projects/{id}/exports` (any role): queues an export job and answers it at once; the runner makes the file. */
export async function createExportJob(
  ctx: AppContext,
  p: Principal,
  projectId: string,
  raw: { format?: string; status?: string; since?: string },
): Promise<ExportJobView> {
  const options = parseExportOptions(raw);
  const project = await getProject(ctx.store.db, p.teamId, projectId);
  const now = ctx.clock();
  const row: Selectable<ExportJobTable> = {
    id: newId('exp', now),
    team_id: p.teamId,
    project_id: project.id,
    format: options.format,
    status_filter: options.status,
    since: options.since,
    trigger: 'api',
    requested_by: p.memberId,
    state: 'queued',
    attempts: 0,
    lease_owner: null,
    lease_expires_at: null,
    file_name: null,
    byte_size: null,
    document_count: null,
    label_count: null,
    sha256: null,
    error: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
    pruned_at: null,
  };
  await ctx.store.db.insertInto('export_jobs').values(row).execute();
  wakeExportRunner(ctx);
  return toExportJobView(ctx, row);
}

/** The export jobs of a project, newest first: `limit + 1` rows before `beforeId`. */
export async function listExportJobs(ctx: AppContext, p: Principal, projectId: string, page: { limit: number; beforeId?: string }): Promise<ExportJobView[]> {
  const project = await getProject(ctx.store.db, p.teamId, projectId);
  let q = ctx.store.db.selectFrom('export_jobs').selectAll().where('project_id', '=', project.id);
  if (page.beforeId) q = q.where('id', '<', page.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(page.limit + 1).execute();
  return rows.map((r) => toExportJobView(ctx, r));
}

/** The job row `id` of the caller's team; another team's is 404. */
export async function getExportJobRow(ctx: AppContext, teamId: string, id: string): Promise<Selectable<ExportJobTable>> {
  const row = await ctx.store.db.selectFrom('export_jobs').selectAll().where('id', '=', id).where('team_id', '=', teamId).executeTakeFirst();
  if (!row) throw new NotFoundError('Export', id);
  return row;
}

/** `GET /exports/{id}` (any role). */
export async function readExportJob(ctx: AppContext, p: Principal, id: string): Promise<ExportJobView> {
  return toExportJobView(ctx, await getExportJobRow(ctx, p.teamId, id));
}
