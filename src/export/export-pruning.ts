import { readdir, stat } from 'node:fs/promises';
import type { AppContext } from '../app-context.js';
import { exportDir, exportPath, removeExportFile } from './export-files.js';

/** Files pruned per run at most; the next run continues. */
const PRUNE_LIMIT = 500;

/**
 * Deletes the files of export jobs completed more than config.exportRetentionMs ago and marks the jobs pruned (their
 * rows, counts and checksums stay; a download then answers 410). Also removes files older than the retention that no
 * job holds: those of deleted projects, and temporary files a crash left behind. Answers how many job files were removed.
 */
export async function pruneExportFiles(ctx: AppContext): Promise<number> {
  const cutoff = ctx.clock() - ctx.config.exportRetentionMs;
  const rows = await ctx.store.db
    .selectFrom('export_jobs')
    .select(['id', 'file_name'])
    .where('state', '=', 'completed')
    .where('pruned_at', 'is', null)
    .where('completed_at', '<', cutoff)
    .orderBy('completed_at')
    .limit(PRUNE_LIMIT)
    .execute();
  for (const row of rows) {
    if (row.file_name) await removeExportFile(ctx, row.file_name);
    await ctx.store.db.updateTable('export_jobs').set({ pruned_at: ctx.clock() }).where('id', '=', row.id).execute();
  }
  await removeOrphans(ctx, cutoff);
  return rows.length;
}

/** Old files of the export folder whose job is gone (or that never became a job's file). */
async function removeOrphans(ctx: AppContext, cutoff: number): Promise<void> {
  const names = await readdir(exportDir(ctx)).catch(() => [] as string[]);
  const candidates = names.filter((n) => /^exp_[0-9a-z]+\./.test(n)).slice(0, PRUNE_LIMIT);
  for (const name of candidates) {
    const mtime = await stat(exportPath(ctx, name)).then((s) => s.mtimeMs, () => null);
    if (mtime === null || mtime >= cutoff) continue;
    const id = name.slice(0, name.indexOf('.'));
    const job = await ctx.store.db.selectFrom('export_jobs').select('file_name').where('id', '=', id).executeTakeFirst();
    if (!job || job.file_name !== name) await removeExportFile(ctx, name);
  }
}
