import type { AppContext } from '../app-context.js';
import { ConflictError } from '../errors.js';
import type { LabelView } from '../events/event.js';
import { appendEvent, draftEvent } from '../events/outbox.js';
import { applyLabelPlan } from './annotations.js';
import { labelsOnDocument } from './labels.js';
import { planLabelUpdate, type LabelUpdateInput } from './label-validation.js';
import { CHUNK_SIZE } from './chunked.js';
import { actorOf } from './permissions.js';
import type { Principal } from './principal.js';
import { markInProgress } from './project-progress.js';
import { mapInSlices, transactionFor, yieldToEventLoop } from './slices.js';
import { toDocumentRef, toLabelView, toProjectRef } from './views.js';

/**
 * Applies a label update `{toUpsertList, toDeleteList}` to a document and answers the labels now on it.
 *
 * Validate, then show the exact `BEFORE_UPDATE_LABELS` event to the label gate (blocking webhooks) with no
 * transaction open, since a gate may take seconds and a held write lock would stall every other writer; then, in
 * one transaction, validate again against the rows as they are now, apply, and store that same event (same id)
 * followed by the annotation events. A veto answers 409 `gate_rejected` and changes nothing.
 */
export async function updateLabels(ctx: AppContext, p: Principal, documentId: string, input: LabelUpdateInput): Promise<LabelView[]> {
  const now = ctx.clock();
  const team = { id: p.teamId, name: p.teamName };
  const actor = actorOf(p);
  const size = (input.toUpsertList?.length ?? 0) + (input.toDeleteList?.length ?? 0);
  // A large update (up to 10,000 labels) runs in slices, yielding to the event loop between its steps.
  const breathe = size > CHUNK_SIZE ? yieldToEventLoop : async () => undefined;
  const plan = await planLabelUpdate(ctx.store.db, p, documentId, input, now);
  await breathe();
  const data = { document: toDocumentRef(plan.document), isReviewDocument: plan.mode === 'reviewer', labelUpdateList: plan.labelUpdateList };
  const event = draftEvent({ type: 'BEFORE_UPDATE_LABELS', team, project: toProjectRef(plan.project), actor, data }, now);

  const verdict = await ctx.labelGate.check(event);
  if (!verdict.allow) {
    throw new ConflictError(
      `A blocking webhook rejected the label update: ${verdict.reason}`,
      { reason: verdict.reason, webhookId: verdict.webhookId ?? null, eventId: event.id },
      'gate_rejected',
    );
  }

  const labels = await transactionFor(ctx.store, size).execute(async (trx) => {
    // PostgreSQL: serialize label updates of one document so two members' first labels cannot race on its annotations.
    if (ctx.store.dialect === 'postgres') await trx.selectFrom('documents').select('id').where('id', '=', plan.document.id).forUpdate().execute();
    const current = await planLabelUpdate(trx, p, documentId, input, now, plan.newIds);
    await breathe();
    if (JSON.stringify(current.labelUpdateList) !== JSON.stringify(plan.labelUpdateList)) {
      // The gate approved an update that no longer applies as shown (labels changed meanwhile): never apply another one.
      throw new ConflictError('The document\'s labels changed while the update was being checked; fetch them and send the update again.', { documentId }, 'labels_changed');
    }
    await appendEvent(trx, { type: 'BEFORE_UPDATE_LABELS', team, project: event.project, actor, data, id: event.id }, now);
    await breathe();
    const project = await markInProgress(trx, current.project, now);
    await applyLabelPlan(trx, current, p.memberId, { team, project: toProjectRef(project), actor }, now);
    await breathe();
    return mapInSlices(await labelsOnDocument(trx, current.document.id), (l) => toLabelView(l.row));
  });
  ctx.eventsCommitted();
  return labels;
}
