import type { AppContext } from '../app-context.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { LabelView } from '../events/event.js';
import { outboxTransaction } from '../events/outbox.js';
import type { CreatedAnnotation } from './annotations.js';
import { eventProjectRef } from './event-refs.js';
import { resolveDocumentIds } from './id-alias.js';
import { labelsOnDocument } from './labels.js';
import { CHUNK_SIZE } from './chunked.js';
import { applyGatedUpdate, gateLabelUpdate, pauseFor, type GatedUpdate } from './label-update.js';
import type { LabelMode, LabelUpdateInput } from './label-validation.js';
import { actorOf, teamOf } from './permissions.js';
import type { Principal } from './principal.js';
import { getProject } from './projects.js';
import { appendEventInSlices, mapInSlices, noPause, pacer, transactionFor, yieldToEventLoop } from './slices.js';
import { toLabelView } from './views.js';

/** Most documents, and labels over all of them, one bulk label update may carry. */
export const BULK_LIMITS = { documents: 1000, labels: 10_000 } as const;

/** `POST /projects/{id}/labels`: label updates of several documents of one project, applied together. */
export interface BulkLabelInput {
  documents: ({ documentId: string | number } & Omit<LabelUpdateInput, 'mode'>)[];
  mode?: LabelMode;
}

function checkLimits(input: BulkLabelInput): void {
  const labels = input.documents.reduce((n, d) => n + (d.toUpsertList?.length ?? 0) + (d.toDeleteList?.length ?? 0), 0);
  if (input.documents.length > BULK_LIMITS.documents || labels > BULK_LIMITS.labels) {
    throw new ValidationError(
      `One bulk label update may carry at most ${BULK_LIMITS.documents} documents and ${BULK_LIMITS.labels} labels; this one has ${input.documents.length} and ${labels}.`,
      { documents: input.documents.length, labels, max: BULK_LIMITS },
      'too_many_labels',
    );
  }
}

/**
 * Applies label updates to several documents of a project in ONE transaction, all or nothing. Each document's
 * update passes the label gate as on its own (BEFORE_UPDATE_LABELS each, stored with the change); the annotations
 * it creates are ONE `ANNOTATIONS_CREATED` (Label Studio's bulk event) instead of one ANNOTATION_CREATED each;
 * updated and emptied annotations emit ANNOTATION_UPDATED / ANNOTATIONS_DELETED per document as usual.
 */
export async function updateLabelsInBulk(
  ctx: AppContext,
  p: Principal,
  projectRef: string,
  input: BulkLabelInput,
): Promise<{ documentId: string; labels: LabelView[] }[]> {
  checkLimits(input);
  const now = ctx.clock();
  const project = await getProject(ctx.store.db, p.teamId, projectRef);
  const ids = await resolveDocumentIds(ctx.store.db, project.id, input.documents.map((d) => d.documentId));
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) {
    throw new ValidationError(`Document ${repeated} appears more than once; send each document's labels in one entry.`, { documentId: repeated }, 'duplicate_document');
  }
  const gated: GatedUpdate[] = [];
  // No transaction is open yet: between documents, other requests get a turn every few milliseconds.
  const gatePace = pacer(yieldToEventLoop);
  // Every BEFORE_UPDATE_LABELS shows the project as it is before the update: counted once, not per document.
  const projectBefore = await eventProjectRef(ctx.store.db, project);
  for (const [i, d] of input.documents.entries()) {
    const g = await gateLabelUpdate(ctx, p, ids[i]!, { toUpsertList: d.toUpsertList, toDeleteList: d.toDeleteList, mode: input.mode }, now, projectBefore);
    if (g.plan.document.project_id !== project.id) {
      throw new NotFoundError('Document', String(d.documentId), `Document ${d.documentId} is not in project ${projectRef}; nothing was changed.`);
    }
    gated.push(g);
    await gatePace();
  }
  // Up to 1,000 documents and 10,000 labels: past a chunk, one bulk transaction that pauses between slices.
  const size = gated.reduce((n, g) => n + g.size, 0);
  const pause = size > CHUNK_SIZE ? yieldToEventLoop : noPause;
  const answer = await outboxTransaction(ctx, transactionFor(ctx.store, size)).execute(async (trx) => {
    const created: CreatedAnnotation[] = [];
    const out: { documentId: string; labels: LabelView[] }[] = [];
    const pace = pacer(pause);
    for (const g of gated) {
      const current = await applyGatedUpdate(trx, ctx, p, g, now, created);
      const labels = await mapInSlices(await labelsOnDocument(trx, current.document.id, pauseFor(g)), (l) => toLabelView(l.row));
      out.push({ documentId: current.document.id, labels });
      await pace();
    }
    if (created.length > 0) {
      const row = await getProject(trx, p.teamId, project.id);
      await appendEventInSlices(
        trx,
        {
          type: 'ANNOTATIONS_CREATED',
          team: teamOf(p),
          project: await eventProjectRef(trx, row),
          actor: actorOf(p),
          data: { annotations: created.map((c) => c.annotation), documents: created.map((c) => c.document), isReviewDocument: input.mode === 'reviewer' },
        },
        now,
        pause,
      );
    }
    return out;
  });
  return answer;
}
