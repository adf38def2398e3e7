import type { AppContext } from '../app-context.js';
import { appendEvent, outboxTransaction } from '../events/outbox.js';
import { completionsOf, requireProjectDocuments, toDocumentPayload, toDocumentView, type DocumentView } from './documents.js';
import { eventProjectRef } from './event-refs.js';
import { actorOf, requireRole, teamOf } from './permissions.js';
import type { Principal } from './principal.js';
import { getProject } from './projects.js';
import { eachSlice, mapInSlices, objectJsonInSlices, transactionFor } from './slices.js';

/**
 * Deletes documents of a project with their labels, annotations and completions, and emits ONE `TASKS_DELETED`
 * carrying each deleted document's id, key and name. Admins only; an unknown id deletes nothing (404).
 */
export async function deleteDocuments(ctx: AppContext, p: Principal, projectId: string, ids: string[]): Promise<{ deleted: number; ids: string[] }> {
  requireRole(p, 'delete documents');
  const now = ctx.clock();
  // Bulk work in slices, yielding between them (src/domain/slices.ts), all in one transaction.
  const deleted = await outboxTransaction(ctx, transactionFor(ctx.store, ids.length)).execute(async (trx) => {
    const project = await getProject(trx, p.teamId, projectId);
    const rows = await requireProjectDocuments(trx, project.id, ids);
    // Explicit deletes rather than relying on ON DELETE CASCADE, which SQLite honours only with foreign_keys on.
    await eachSlice(rows.map((r) => r.id), async (part) => {
      await trx.deleteFrom('labels').where('document_id', 'in', part).execute();
      await trx.deleteFrom('annotations').where('document_id', 'in', part).execute();
      await trx.deleteFrom('completions').where('document_id', 'in', part).execute();
      await trx.deleteFrom('documents').where('id', 'in', part).execute();
    });
    const data = { documents: await mapInSlices(rows, (r) => toDocumentPayload(r, false)), count: rows.length };
    await appendEvent(
      trx,
      { type: 'TASKS_DELETED', team: teamOf(p), project: await eventProjectRef(trx, project), actor: actorOf(p), data, dataJson: await objectJsonInSlices(data) },
      now,
    );
    return rows.map((r) => r.id);
  });
  return { deleted: deleted.length, ids: deleted };
}

/**
 * Excludes documents from a project (they stay listed as `excluded` and can no longer be labeled or completed) and
 * emits ONE `TASKS_EXCLUDED` for the documents whose status changed; already excluded ones change nothing.
 */
export async function excludeDocuments(ctx: AppContext, p: Principal, projectId: string, ids: string[]): Promise<DocumentView[]> {
  requireRole(p, 'exclude documents');
  const now = ctx.clock();
  const views = await outboxTransaction(ctx, transactionFor(ctx.store, ids.length)).execute(async (trx) => {
    const project = await getProject(trx, p.teamId, projectId);
    const rows = await requireProjectDocuments(trx, project.id, ids);
    const changing = rows.filter((r) => r.status !== 'excluded');
    await eachSlice(changing.map((r) => r.id), async (part) => {
      await trx.updateTable('documents').set({ status: 'excluded', updated_at: now }).where('id', 'in', part).execute();
    });
    const after = rows.map((r) => (r.status === 'excluded' ? r : { ...r, status: 'excluded' as const, updated_at: now }));
    const changingIds = new Set(changing.map((r) => r.id));
    const changed = after.filter((r) => changingIds.has(r.id));
    if (changed.length > 0) {
      await appendEvent(
        trx,
        {
          type: 'TASKS_EXCLUDED',
          team: teamOf(p),
          project: await eventProjectRef(trx, project),
          actor: actorOf(p),
          data: { documents: await mapInSlices(changed, (r) => toDocumentPayload(r, false)), count: changed.length },
        },
        now,
      );
    }
    const completions = await completionsOf(trx, after.map((r) => r.id));
    return mapInSlices(after, (r) => toDocumentView(r, completions.get(r.id)));
  });
  return views;
}
