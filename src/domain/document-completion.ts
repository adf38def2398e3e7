import type { AppContext } from '../app-context.js';
import { ConflictError } from '../errors.js';
import { appendEvent, outboxTransaction } from '../events/outbox.js';
import { newId } from '../ids.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { getDocumentRow } from './documents.js';
import { actorOf, requireRole, teamOf } from './permissions.js';
import type { Principal } from './principal.js';
import { getProject } from './projects.js';
import { annotationCountOf, eventDocumentRef, eventProjectRef } from './event-refs.js';

/** A member's completion of one document, as the API answers it. */
export interface DocumentCompletion {
  id: string;
  documentId: string;
  projectId: string;
  memberId: string;
  mode: 'labeler' | 'reviewer';
  completedAt: string;
}

function alreadyCompleted(documentId: string, mode: string): ConflictError {
  return new ConflictError(`You already marked document ${documentId} complete in ${mode} mode.`, { documentId, mode }, 'already_completed');
}

/**
 * Marks a document complete by the caller in labeler mode (`TASK_COMPLETED`) or reviewer mode (`TASK_REVIEWED`,
 * reviewers and admins only). Once per member and mode; an excluded document cannot be completed.
 */
export async function completeDocument(ctx: AppContext, p: Principal, documentId: string, mode: 'labeler' | 'reviewer'): Promise<DocumentCompletion> {
  if (mode === 'reviewer') requireRole(p, 'complete documents in reviewer mode', 'reviewer');
  const now = ctx.clock();
  const id = newId('cmp', now);
  let result: DocumentCompletion;
  try {
    result = await outboxTransaction(ctx).execute(async (trx) => {
      const doc = await getDocumentRow(trx, p.teamId, documentId);
      if (doc.status === 'excluded') {
        throw new ConflictError(`Document ${documentId} is excluded from its project and cannot be completed.`, { documentId }, 'document_excluded');
      }
      const done = await trx
        .selectFrom('completions')
        .select('id')
        .where('document_id', '=', doc.id)
        .where('member_id', '=', p.memberId)
        .where('mode', '=', mode)
        .executeTakeFirst();
      if (done) throw alreadyCompleted(documentId, mode);
      const project = await getProject(trx, p.teamId, doc.project_id);
      await trx
        .insertInto('completions')
        .values({ id, team_id: p.teamId, project_id: doc.project_id, document_id: doc.id, member_id: p.memberId, mode, created_at: now })
        .execute();
      const base = { team: teamOf(p), project: await eventProjectRef(trx, project), actor: actorOf(p) };
      const document = eventDocumentRef(doc, await annotationCountOf(trx, doc.id));
      if (mode === 'labeler') await appendEvent(trx, { ...base, type: 'TASK_COMPLETED', data: { document, mode } }, now);
      else await appendEvent(trx, { ...base, type: 'TASK_REVIEWED', data: { document, mode } }, now);
      return { id, documentId: doc.id, projectId: doc.project_id, memberId: p.memberId, mode, completedAt: new Date(now).toISOString() };
    });
  } catch (err) {
    // Two concurrent requests by the same member: the unique index lets one through.
    if (isUniqueViolation(err)) throw alreadyCompleted(documentId, mode);
    throw err;
  }
  return result;
}
