import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../domain/principal.js';
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from '../errors.js';
import { checkDownloadLink } from './download-link.js';
import { exportPath } from './export-files.js';
import { exportFormat } from './formats/registry.js';

/** An export file ready to send. */
export interface ExportDownload {
  stream: ReadStream;
  fileName: string;
  contentType: string;
  byteSize: number;
  sha256: string;
}

/**
 * `GET /exports/{id}/download?expires&sig`: the file of a completed job, for whoever holds a valid link (no API key
 * needed). A key sent along must be of the job's team (else 404, as for any other team's resource). An altered or
 * foreign link is 403 `download_link_invalid`, an expired one 403 `download_link_expired`, a pruned file 410.
 */
export async function openExportDownload(ctx: AppContext, caller: Principal | null, id: string, link: { expires?: string; sig?: string }): Promise<ExportDownload> {
  const job = await ctx.store.db.selectFrom('export_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!job || (caller !== null && caller.teamId !== job.team_id)) throw new NotFoundError('Export', id);
  const check = checkDownloadLink(ctx, job.id, job.team_id, link.expires ?? '', link.sig ?? '');
  if (check === 'invalid') {
    throw new ForbiddenError('This download link was altered or is not for this export: ask for a new one (GET /api/v1/exports/{id}).', { exportId: id }, 'download_link_invalid');
  }
  if (check === 'expired') {
    const expiredAt = new Date(Number(link.expires)).toISOString();
    throw new ForbiddenError(`This download link expired at ${expiredAt}: ask for a new one (GET /api/v1/exports/{id}).`, { exportId: id, expiredAt }, 'download_link_expired');
  }
  if (job.state !== 'completed' || !job.file_name) throw new ConflictError(`Export ${id} is ${job.state}; its file is not ready.`, { state: job.state }, 'export_not_ready');
  const gone = (): GoneError => new GoneError(`The file of export ${id} was pruned; make a new export.`, { exportId: id }, 'export_pruned');
  if (job.pruned_at !== null) throw gone();
  const path = exportPath(ctx, job.file_name);
  const size = await stat(path).then(
    (s) => s.size,
    () => null,
  );
  if (size === null) throw gone();
  return { stream: createReadStream(path), fileName: job.file_name, contentType: exportFormat(job.format).contentType, byteSize: size, sha256: job.sha256 ?? '' };
}
