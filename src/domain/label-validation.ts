import type { Kysely, Selectable, Transaction } from 'kysely';
import { ConflictError, ForbiddenError, ValidationError } from '../errors.js';
import type { CodeWithStatus } from '../error-catalog.js';
import type { LabelView } from '../events/event.js';
import type { LabelUpdateList } from '../events/payloads.js';
import { newId } from '../ids.js';
import type { DatabaseSchema, DocumentTable, ProjectTable } from '../store/schema.js';
import { CHUNK_SIZE } from './chunked.js';
import { getDocumentRow } from './documents.js';
import { labelsOnDocument, type OwnedLabel } from './labels.js';
import { requireRole } from './permissions.js';
import type { Principal } from './principal.js';
import { getProject } from './projects.js';
import { noPause, type Breather } from './slices.js';
import { toLabelView } from './views.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

export type LabelMode = 'labeler' | 'reviewer';

/** One label of `toUpsertList`: with an `id` it updates that label (absent fields keep their value), without one it creates a label. */
export interface LabelInput {
  id?: string;
  type?: LabelView['type'];
  labelSetItemId?: string;
  startCellIndex?: number;
  startCellLine?: number;
  startTokenIndex?: number;
  startCharIndex?: number;
  endCellIndex?: number;
  endCellLine?: number;
  endTokenIndex?: number;
  endCharIndex?: number;
  counter?: number;
  layer?: number;
  labeledBy?: 'LABELER' | 'REVIEWER' | 'PREDICTION';
  confidenceScore?: number | null;
}

/** A label update as the API receives it (Datasaur's `{toUpsertList, toDeleteList}`). */
export interface LabelUpdateInput {
  toUpsertList?: LabelInput[];
  toDeleteList?: { id: string }[];
  mode?: LabelMode;
}

/** A validated label update, exactly as it will be applied. */
export interface LabelPlan {
  document: Selectable<DocumentTable>;
  project: Selectable<ProjectTable>;
  mode: LabelMode;
  /** Every label on the document before the update, with its owner. */
  existing: OwnedLabel[];
  creates: LabelView[];
  updates: { before: OwnedLabel; after: LabelView }[];
  deletes: OwnedLabel[];
  /** What BEFORE_UPDATE_LABELS carries: deleted labels as they were, upserted labels as they will be, ids assigned. */
  labelUpdateList: LabelUpdateList;
  /** Ids given to created labels, in `toUpsertList` order; passed back in to rebuild the same plan later. */
  newIds: string[];
}

const DEFAULT_LABEL = {
  startCellIndex: 0,
  startCellLine: 0,
  startTokenIndex: 0,
  startCharIndex: 0,
  endCellIndex: 0,
  endCellLine: 0,
  endTokenIndex: 0,
  endCharIndex: 0,
  counter: 0,
  layer: 0,
  confidenceScore: null,
} as const;

function invalid(code: CodeWithStatus<422>, message: string, details: Record<string, unknown>): ValidationError {
  return new ValidationError(message, details, code);
}

/** Fills a label from its input over `base` (the stored label, or Datasaur's defaults), as the caller in `mode`. */
function fillLabel(input: LabelInput, base: LabelView | null, id: string, documentId: string, p: Principal, mode: LabelMode): LabelView {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as LabelInput;
  const from = base ?? { ...DEFAULT_LABEL, type: 'SPAN' as const, labelSetItemId: '' };
  return {
    id,
    documentId,
    type: defined.type ?? from.type,
    startCellIndex: defined.startCellIndex ?? from.startCellIndex,
    startCellLine: defined.startCellLine ?? from.startCellLine,
    startTokenIndex: defined.startTokenIndex ?? from.startTokenIndex,
    startCharIndex: defined.startCharIndex ?? from.startCharIndex,
    endCellIndex: defined.endCellIndex ?? from.endCellIndex,
    endCellLine: defined.endCellLine ?? from.endCellLine,
    endTokenIndex: defined.endTokenIndex ?? from.endTokenIndex,
    endCharIndex: defined.endCharIndex ?? from.endCharIndex,
    counter: defined.counter ?? from.counter,
    layer: defined.layer ?? from.layer,
    // Whoever saves a label last is its labeler, in the mode they saved it in.
    labeledBy: defined.labeledBy ?? (mode === 'reviewer' ? 'REVIEWER' : 'LABELER'),
    labelSetItemId: defined.labelSetItemId ?? from.labelSetItemId,
    confidenceScore: 'confidenceScore' in input ? (input.confidenceScore ?? null) : from.confidenceScore,
    labeledByUserId: p.memberId,
  };
}

/** Checks one filled label against the project's label set and the document's text. */
function checkLabel(label: LabelView, index: number, labelSetIds: Set<string>, doc: Selectable<DocumentTable>, mode: LabelMode): void {
  const at = { list: 'toUpsertList', index, id: label.id };
  if (!label.labelSetItemId) throw invalid('label_set_item_required', `toUpsertList[${index}] needs a labelSetItemId.`, at);
  if (!labelSetIds.has(label.labelSetItemId)) {
    throw invalid('unknown_label_set_item', `toUpsertList[${index}]: "${label.labelSetItemId}" is not an item of the project's label set.`, {
      ...at,
      labelSetItemId: label.labelSetItemId,
      labelSet: [...labelSetIds],
    });
  }
  if (label.labeledBy !== 'PREDICTION' && label.labeledBy !== (mode === 'reviewer' ? 'REVIEWER' : 'LABELER')) {
    throw invalid('labeled_by_mismatch', `toUpsertList[${index}]: labeledBy ${label.labeledBy} does not match ${mode} mode.`, { ...at, labeledBy: label.labeledBy, mode });
  }
  if (label.type === 'SPAN' && doc.text === null) {
    throw invalid('span_needs_text', `toUpsertList[${index}]: a SPAN label needs a document with text; document ${doc.id} has none (use ROW or DOCUMENT).`, at);
  }
  const length = doc.text?.length ?? 0;
  if (label.startCharIndex > label.endCharIndex || label.endCharIndex > length) {
    throw invalid(
      'offsets_out_of_range',
      `toUpsertList[${index}]: characters ${label.startCharIndex}..${label.endCharIndex} are not inside the document's text (0..${length}, start ≤ end).`,
      { ...at, startCharIndex: label.startCharIndex, endCharIndex: label.endCharIndex, textLength: length },
    );
  }
}

/** Another member's label may be changed or deleted by reviewers and admins only. */
function checkOwner(owned: OwnedLabel, p: Principal, list: string, index: number): void {
  if (owned.memberId === p.memberId || p.role !== 'labeler') return;
  throw new ForbiddenError(`${list}[${index}]: label ${owned.row.id} belongs to another member; only reviewers and admins may change it.`, {
    list,
    index,
    id: owned.row.id,
  }, 'forbidden');
}

/** How planLabelUpdate runs: with the ids of an earlier plan, and whether it may pause between slices. */
export interface PlanOptions {
  /** Ids the first plan gave to created labels (undefined: make new ones). */
  presetIds?: string[];
  /** Pause between slices of CHUNK_SIZE labels (reading the document's labels, checking the update's). */
  pause?: Breather;
}

/**
 * Validates a label update against the current rows and builds exactly what will be applied. Called twice: before
 * the gate (`presetIds` undefined: new ids are made) and inside the write transaction with the same ids.
 */
export async function planLabelUpdate(db: Db, p: Principal, documentId: string, input: LabelUpdateInput, now: number, options: PlanOptions = {}): Promise<LabelPlan> {
  const { presetIds, pause = noPause } = options;
  // Between two slices of the update's labels (10,000 at most), the event loop answers other requests.
  const sliceStarts = (index: number): boolean => index > 0 && index % CHUNK_SIZE === 0;
  const mode = input.mode ?? 'labeler';
  if (mode === 'reviewer') requireRole(p, 'label in reviewer mode', 'reviewer');
  const upserts = input.toUpsertList ?? [];
  const deleteIds = (input.toDeleteList ?? []).map((d) => d.id);
  if (upserts.length === 0 && deleteIds.length === 0) {
    throw invalid('empty_label_update', 'A label update needs at least one label in toUpsertList or toDeleteList.', {});
  }
  // A large request's body was just parsed and schema-checked in this turn: let other requests in before planning.
  if (upserts.length + deleteIds.length > CHUNK_SIZE) await pause();
  const document = await getDocumentRow(db, p.teamId, documentId);
  if (document.status === 'excluded') {
    throw new ConflictError(`Document ${documentId} is excluded from its project and cannot be labeled.`, { documentId }, 'document_excluded');
  }
  const project = await getProject(db, p.teamId, document.project_id);
  const labelSetIds = new Set((JSON.parse(project.label_set) as { id: string }[]).map((i) => i.id));
  const existing = await labelsOnDocument(db, document.id, options.pause);
  const byId = new Map(existing.map((l) => [l.row.id, l]));

  const mentioned = new Set<string>();
  const mention = (id: string, list: string, index: number): void => {
    if (mentioned.has(id)) throw invalid('duplicate_label_id', `${list}[${index}]: label ${id} appears more than once in this update.`, { list, index, id });
    mentioned.add(id);
  };

  const deletes: OwnedLabel[] = [];
  for (const [index, id] of deleteIds.entries()) {
    if (sliceStarts(index)) await pause();
    mention(id, 'toDeleteList', index);
    const owned = byId.get(id);
    if (!owned) throw invalid('label_not_found', `toDeleteList[${index}]: label ${id} is not on document ${documentId}.`, { list: 'toDeleteList', index, id });
    checkOwner(owned, p, 'toDeleteList', index);
    deletes.push(owned);
  }

  // Ids made in one millisecond sort by their random tail: sort them so labels list in the order they were sent.
  const newIds = presetIds ?? upserts.filter((u) => u.id === undefined).map(() => newId('lbl', now)).sort();
  let created = 0;
  const creates: LabelView[] = [];
  const updates: LabelPlan['updates'] = [];
  const toUpsertList: LabelView[] = [];
  for (const [index, u] of upserts.entries()) {
    if (sliceStarts(index)) await pause();
    let label: LabelView;
    if (u.id !== undefined) {
      mention(u.id, 'toUpsertList', index);
      const owned = byId.get(u.id);
      if (!owned) throw invalid('label_not_found', `toUpsertList[${index}]: label ${u.id} is not on document ${documentId}.`, { list: 'toUpsertList', index, id: u.id });
      checkOwner(owned, p, 'toUpsertList', index);
      label = fillLabel(u, toLabelView(owned.row), u.id, document.id, p, mode);
      updates.push({ before: owned, after: label });
    } else {
      const id = newIds[created++];
      if (id === undefined) throw new ConflictError('The label update changed while it was being checked; send it again.', null, 'labels_changed');
      label = fillLabel(u, null, id, document.id, p, mode);
      creates.push(label);
    }
    checkLabel(label, index, labelSetIds, document, mode);
    toUpsertList.push(label);
  }

  return {
    document,
    project,
    mode,
    existing,
    creates,
    updates,
    deletes,
    labelUpdateList: { toDeleteList: deletes.map((d) => toLabelView(d.row)), toUpsertList },
    newIds,
  };
}
