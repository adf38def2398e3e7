import type { Transaction } from 'kysely';
import type { AppContext } from '../app-context.js';
import { ConflictError } from '../errors.js';
import type { LabelView, ProjectRef, StoredEvent } from '../events/event.js';
import { draftEvent, outboxTransaction } from '../events/outbox.js';
import type { EventDataByType } from '../events/payloads.js';
import { lockDocumentRow } from '../store/row-locks.js';
import type { DatabaseSchema } from '../store/schema.js';
import { applyLabelPlan, type CreatedAnnotation } from './annotations.js';
import { eventDocumentRef, eventProjectRef } from './event-refs.js';
import { labelsOnDocument } from './labels.js';
import { planLabelUpdate, type LabelPlan, type LabelUpdateInput } from './label-validation.js';
import { CHUNK_SIZE } from './chunked.js';
import { actorOf, teamOf } from './permissions.js';
import type { Principal } from './principal.js';
import { markInProgress } from './project-progress.js';
import { appendEventInSlices, jsonInSlices, mapInSlices, noPause, transactionFor, yieldToEventLoop, type Breather } from './slices.js';
import { toLabelView } from './views.js';

/** Number of labels an update touches. */
function sizeOf(input: LabelUpdateInput): number {
  return (input.toUpsertList?.length ?? 0) + (input.toDeleteList?.length ?? 0);
}

/** How an approved update is applied: past a chunk of labels (up to 10,000 sent, as many on the document), in slices. */
export function pauseFor(gated: GatedUpdate): Breather {
  return gated.size > CHUNK_SIZE ? yieldToEventLoop : noPause;
}

/** A label update the gate approved: its plan and the BEFORE_UPDATE_LABELS event the gate saw. */
export interface GatedUpdate {
  documentId: string;
  input: LabelUpdateInput;
  plan: LabelPlan;
  data: EventDataByType['BEFORE_UPDATE_LABELS'];
  event: StoredEvent;
  /** `plan.labelUpdateList` as JSON, to check the update still applies as the gate saw it. */
  listJson: string;
  /** Labels on the document plus labels sent: the work of applying it and of listing the document's labels after. */
  size: number;
}

/**
 * Validates a label update and shows its exact `BEFORE_UPDATE_LABELS` event to the label gate (blocking webhooks)
 * with no transaction open, since a gate may take seconds and a held write lock would stall every other writer.
 * A veto throws 409 `gate_rejected`.
 */
export async function gateLabelUpdate(
  ctx: AppContext,
  p: Principal,
  documentId: string,
  input: LabelUpdateInput,
  now: number,
  /** The project's event ref, when the caller counted it already (a bulk update, once for all its documents). */
  projectRef?: ProjectRef,
): Promise<GatedUpdate> {
  // No transaction is open: a large plan may pause between its slices (it is checked again inside the transaction).
  const plan = await planLabelUpdate(ctx.store.db, p, documentId, input, now, { pause: yieldToEventLoop });
  // Annotations on the document before the update: one per member who has labels on it (an emptied one is deleted).
  const annotationCount = new Set(plan.existing.map((l) => l.memberId)).size;
  const data: GatedUpdate['data'] = { document: eventDocumentRef(plan.document, annotationCount), isReviewDocument: plan.mode === 'reviewer', labelUpdateList: plan.labelUpdateList };
  const project = projectRef ?? (await eventProjectRef(ctx.store.db, plan.project));
  const event = draftEvent({ type: 'BEFORE_UPDATE_LABELS', team: teamOf(p), project, actor: actorOf(p), data }, now);
  const verdict = await ctx.labelGate.check(event);
  if (!verdict.allow) {
    throw new ConflictError(
      `A blocking webhook rejected the label update: ${verdict.reason}`,
      { reason: verdict.reason, webhookId: verdict.webhookId ?? null, eventId: event.id },
      'gate_rejected',
    );
  }
  const size = plan.existing.length + sizeOf(input);
  const listJson = await jsonInSlices(plan.labelUpdateList);
  return { documentId, input, plan, data, event, listJson, size };
}

/**
 * Inside the write transaction: validates a gated update again against the rows as they are now, stores the event
 * the gate saw (same id) and applies the update with its annotation events (created ones go to `bulk` if given).
 */
export async function applyGatedUpdate(
  trx: Transaction<DatabaseSchema>,
  ctx: AppContext,
  p: Principal,
  gated: GatedUpdate,
  now: number,
  bulk?: CreatedAnnotation[],
): Promise<LabelPlan> {
  const { plan, event, documentId, data } = gated;
  // Serialise label updates of one document so two members' first labels cannot race on its annotations.
  await lockDocumentRow(trx, ctx.store.capabilities, plan.document.id);
  // Pauses only in a large update's bulk transaction (transactionFor), which holds no other request's commit.
  const pause = pauseFor(gated);
  const current = await planLabelUpdate(trx, p, documentId, gated.input, now, { presetIds: plan.newIds, pause });
  if ((await jsonInSlices(current.labelUpdateList, pause)) !== gated.listJson) {
    // The gate approved an update that no longer applies as shown (labels changed meanwhile): never apply another one.
    throw new ConflictError('The document\'s labels changed while the update was being checked; fetch them and send the update again.', { documentId }, 'labels_changed');
  }
  const { team, actor, project } = event;
  await appendEventInSlices(trx, { type: 'BEFORE_UPDATE_LABELS', team, project, actor, data, id: event.id }, now, pause);
  await pause();
  const projectRow = await markInProgress(trx, current.project, now);
  await applyLabelPlan(trx, current, p.memberId, { team, project: projectRow, actor: actorOf(p) }, now, bulk, pause);
  await pause();
  return current;
}

/**
 * Applies a label update `{toUpsertList, toDeleteList}` to a document and answers the labels now on it: validate
 * and pass the gate (gateLabelUpdate), then in one transaction apply it (applyGatedUpdate). A veto changes nothing.
 */
export async function updateLabels(ctx: AppContext, p: Principal, documentId: string, input: LabelUpdateInput): Promise<LabelView[]> {
  const now = ctx.clock();
  const gated = await gateLabelUpdate(ctx, p, documentId, input, now);
  const labels = await outboxTransaction(ctx, transactionFor(ctx.store, gated.size)).execute(async (trx) => {
    const current = await applyGatedUpdate(trx, ctx, p, gated, now);
    return mapInSlices(await labelsOnDocument(trx, current.document.id, pauseFor(gated)), (l) => toLabelView(l.row));
  });
  return labels;
}
