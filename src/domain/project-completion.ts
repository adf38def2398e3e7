import type { AppContext } from '../app-context.js';
import { ConflictError } from '../errors.js';
import { appendEvent, outboxTransaction } from '../events/outbox.js';
import { queueAutoExport } from '../export/auto-export.js';
import { wakeExportRunner } from '../export/runner-wake.js';
import { newId } from '../ids.js';
import { actorOf, requireRole, teamOf } from './permissions.js';
import type { Principal } from './principal.js';
import { lockProject, toProjectView, type ProjectView } from './projects.js';
import { eventProjectRef } from './event-refs.js';

export type CompletionMode = 'labeler' | 'reviewer';

// Which statuses each mode may start from. Labeler mode closes a project that is still open; reviewer mode
// signs off a project the labelers completed, so reviewing an unfinished (or already reviewed) project is a 409.
const FROM: Record<CompletionMode, readonly string[]> = {
  labeler: ['CREATED', 'IN_PROGRESS'],
  reviewer: ['COMPLETED'],
};

const TO = { labeler: 'COMPLETED', reviewer: 'REVIEWED' } as const;

/**
 * `POST /projects/{id}/complete`: labeler mode (labeler or admin) moves the project to COMPLETED and emits
 * PROJECT_COMPLETED; reviewer mode (reviewer or admin) moves a COMPLETED project to REVIEWED and emits
 * PROJECT_REVIEWED. Records a completions row (document_id null) in the same transaction.
 */
export async function completeProject(ctx: AppContext, p: Principal, id: string, mode: CompletionMode): Promise<ProjectView> {
  requireRole(p, `complete a project in ${mode} mode`, mode);
  const now = ctx.clock();
  let exportQueued = false;
  const row = await outboxTransaction(ctx).execute(async (trx) => {
    const current = await lockProject(trx, ctx.store.capabilities, p.teamId, id);
    if (!FROM[mode].includes(current.status)) {
      throw new ConflictError(
        `A project in status ${current.status} cannot be completed in ${mode} mode; it must be ${FROM[mode].join(' or ')}.`,
        { status: current.status, mode, allowed: FROM[mode] },
        'invalid_status',
      );
    }
    const updated = { ...current, status: TO[mode], updated_at: now };
    await trx.updateTable('projects').set({ status: updated.status, updated_at: now }).where('id', '=', current.id).execute();
    await trx
      .insertInto('completions')
      .values({ id: newId('cmp', now), team_id: p.teamId, project_id: current.id, document_id: null, member_id: p.memberId, mode, created_at: now })
      .execute();
    const project = await eventProjectRef(trx, updated);
    const team = teamOf(p);
    if (mode === 'labeler') {
      await appendEvent(trx, { type: 'PROJECT_COMPLETED', team, project, actor: actorOf(p), data: { project, mode } }, now);
    } else {
      await appendEvent(trx, { type: 'PROJECT_REVIEWED', team, project, actor: actorOf(p), data: { project, mode } }, now);
    }
    exportQueued = (await queueAutoExport(trx, current, mode === 'labeler' ? 'PROJECT_COMPLETED' : 'PROJECT_REVIEWED', p.memberId, now)) !== null;
    return updated;
  });
  if (exportQueued) wakeExportRunner(ctx);
  return toProjectView(ctx.store.db, row);
}
