import type { AppContext } from '../app-context.js';
import { removeExportFile } from './export-files.js';

/** Files pruned per run at most; the next run continues. */
const PRUNE_LIMIT = 500;

/**
 * Deletes the files of export jobs completed more than config.exportRetentionMs ago and marks the jobs pruned (their
 * rows, counts and checksums stay; a download then answers 410). Answers how many files were removed.
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
  return rows.length;
}
