import type { Insertable, Selectable, Transaction } from 'kysely';
import type { Actor, DocumentRef, LabelView, ProjectRef, TeamRef } from '../events/event.js';
import type { EventType } from '../events/catalog.js';
import type { NewEvent } from '../events/outbox.js';
import type { AnnotationPayload, LabelUpdateList } from '../events/payloads.js';
import { newId } from '../ids.js';
import { numOf } from '../store/num-alias.js';
import type { AnnotationTable, DatabaseSchema, LabelTable, ProjectTable } from '../store/schema.js';
import { eventDocumentRef, eventProjectRef } from './event-refs.js';
import { appendEventInSlices, eachSlice, noPause, type Breather } from './slices.js';
import { labelColumns } from './labels.js';
import type { LabelPlan } from './label-validation.js';
import { toLabelView } from './views.js';

/** Envelope fields shared by the annotation events of one label update. */
export interface EventContext {
  team: TeamRef;
  /** The project row; the event ref (with counts) is read after the change. */
  project: Selectable<ProjectTable>;
  actor: Actor;
}

/** An annotation a bulk label update created, for its one ANNOTATIONS_CREATED event. */
export interface CreatedAnnotation {
  annotation: AnnotationPayload;
  document: DocumentRef;
}

/** What one label update does to one member's annotation on the document. */
interface AnnotationChange {
  memberId: string;
  row: Selectable<AnnotationTable> | null;
  before: LabelView[];
  after: LabelView[];
  list: LabelUpdateList;
}

const iso = (ms: number): string => new Date(Number(ms)).toISOString();

/** Splits a plan by the annotations it touches: the caller's (creates, own labels) and other members' (their labels). */
function changesOf(plan: LabelPlan, callerId: string, annotations: Selectable<AnnotationTable>[]): AnnotationChange[] {
  const changes = new Map<string, AnnotationChange>();
  const changeOf = (memberId: string): AnnotationChange => {
    let c = changes.get(memberId);
    if (!c) {
      const before = plan.existing.filter((l) => l.memberId === memberId).map((l) => toLabelView(l.row));
      c = { memberId, row: annotations.find((a) => a.member_id === memberId) ?? null, before, after: [], list: { toDeleteList: [], toUpsertList: [] } };
      changes.set(memberId, c);
    }
    return c;
  };
  for (const d of plan.deletes) changeOf(d.memberId).list.toDeleteList.push(toLabelView(d.row));
  for (const u of plan.updates) changeOf(u.before.memberId).list.toUpsertList.push(u.after);
  for (const c of plan.creates) changeOf(callerId).list.toUpsertList.push(c);
  for (const c of changes.values()) {
    const deleted = new Set(c.list.toDeleteList.map((l) => l.id));
    const upserted = new Map(c.list.toUpsertList.map((l) => [l.id, l]));
    const kept = c.before.filter((l) => !deleted.has(l.id)).map((l) => upserted.get(l.id) ?? l);
    // A set, not a scan of `before` per label: both may hold 10,000 labels.
    const had = new Set(c.before.map((b) => b.id));
    const added = c.list.toUpsertList.filter((l) => !had.has(l.id));
    c.after = [...kept, ...added].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return [...changes.values()];
}

/**
 * Applies a validated label plan inside the caller's transaction and appends the annotation events: a member's
 * first label creates their annotation (`ANNOTATION_CREATED`), later changes update it (`ANNOTATION_UPDATED`, with
 * the labels before), and removing its last label deletes it (one `ANNOTATIONS_DELETED` for all such annotations).
 * With `bulk`, created annotations are collected there instead, for the caller's one `ANNOTATIONS_CREATED`. A large
 * plan's events are stringified in slices with `pause` between them (a bulk transaction's; noPause otherwise).
 */
export async function applyLabelPlan(
  trx: Transaction<DatabaseSchema>,
  plan: LabelPlan,
  callerId: string,
  env: EventContext,
  now: number,
  bulk?: CreatedAnnotation[],
  pause: Breather = noPause,
): Promise<void> {
  const doc = plan.document;
  const annotations = await trx.selectFrom('annotations').selectAll().where('document_id', '=', doc.id).execute();
  const changes = changesOf(plan, callerId, annotations);
  await pause();
  await writeChanges(trx, plan, callerId, changes, now);
  await appendAnnotationEvents(trx, plan, annotations, changes, { ...env, pause }, now, bulk);
}

/** The rows of a label plan: labels deleted, updated and created, annotations created, touched or emptied and deleted. */
async function writeChanges(trx: Transaction<DatabaseSchema>, plan: LabelPlan, callerId: string, changes: AnnotationChange[], now: number): Promise<void> {
  const doc = plan.document;

  // Slices of a chunk with the event loop free in between (src/domain/slices.ts): an update may touch 10,000 labels.
  await eachSlice(plan.deletes.map((d) => d.row.id), (part) => trx.deleteFrom('labels').where('id', 'in', part).execute().then(() => undefined));
  await eachSlice(plan.updates, async (part) => {
    for (const u of part) await trx.updateTable('labels').set({ ...labelColumns(u.after), updated_at: now }).where('id', '=', u.after.id).execute();
  });
  for (const c of changes) {
    if (c.row === null) {
      const row = { id: newId('ann', now), team_id: doc.team_id, project_id: doc.project_id, document_id: doc.id, member_id: c.memberId, created_at: now, updated_at: now };
      await trx.insertInto('annotations').values(row).execute();
      c.row = { ...row, num: await numOf(trx, 'annotations', row.id) };
    } else if (c.after.length === 0) {
      await trx.deleteFrom('annotations').where('id', '=', c.row.id).execute();
    } else {
      await trx.updateTable('annotations').set({ updated_at: now }).where('id', '=', c.row.id).execute();
    }
  }
  const callerAnnotation = changes.find((c) => c.memberId === callerId)?.row;
  if (plan.creates.length > 0 && callerAnnotation) {
    const rows: Insertable<LabelTable>[] = plan.creates.map((l) => ({
      id: l.id,
      team_id: doc.team_id,
      project_id: doc.project_id,
      document_id: doc.id,
      annotation_id: callerAnnotation.id,
      ...labelColumns(l),
      created_at: now,
      updated_at: now,
    }));
    await eachSlice(rows, (part) => trx.insertInto('labels').values(part).execute().then(() => undefined));
  }
}

async function appendAnnotationEvents(
  trx: Transaction<DatabaseSchema>,
  plan: LabelPlan,
  annotations: Selectable<AnnotationTable>[],
  changes: AnnotationChange[],
  env: EventContext & { pause: Breather },
  now: number,
  bulk: CreatedAnnotation[] | undefined,
): Promise<void> {
  const doc = plan.document;
  const append = <T extends EventType>(event: NewEvent<T>) => appendEventInSlices(trx, event, now, env.pause);
  const existedBefore = new Set(annotations.map((a) => a.member_id));
  const gone = changes.filter((c) => existedBefore.has(c.memberId) && c.after.length === 0);
  const created = changes.filter((c) => !existedBefore.has(c.memberId)).length;
  const document = eventDocumentRef(doc, annotations.length + created - gone.length);
  // The project's counts are read only when an event is appended here (not when every change goes to `bulk`).
  let project: ProjectRef | undefined;
  const envelope = async () => ({ team: env.team, actor: env.actor, project: (project ??= await eventProjectRef(trx, env.project)) });
  const memberNums = await memberNumsOf(trx, changes.map((c) => c.memberId));
  const isReviewDocument = plan.mode === 'reviewer';
  const payload = (c: AnnotationChange, existed: boolean): AnnotationPayload => ({
    id: c.row!.id,
    num: Number(c.row!.num),
    documentId: doc.id,
    projectId: doc.project_id,
    memberId: c.memberId,
    memberNum: memberNums.get(c.memberId)!,
    labels: c.after,
    createdAt: existed ? iso(c.row!.created_at) : iso(now),
    updatedAt: iso(now),
  });
  for (const c of changes) {
    if (!existedBefore.has(c.memberId) && bulk) {
      bulk.push({ annotation: payload(c, false), document });
    } else if (!existedBefore.has(c.memberId)) {
      await append({ ...(await envelope()), type: 'ANNOTATION_CREATED', data: { annotation: payload(c, false), document, isReviewDocument, labelUpdateList: c.list } });
    } else if (c.after.length > 0) {
      await append({ ...(await envelope()), type: 'ANNOTATION_UPDATED', data: { annotation: payload(c, true), document, isReviewDocument, labelUpdateList: c.list, before: { labels: c.before } } });
    }
  }
  if (gone.length > 0) {
    await append({
      ...(await envelope()),
      type: 'ANNOTATIONS_DELETED',
      data: {
        annotations: gone.map((c) => ({ id: c.row!.id, num: Number(c.row!.num), documentId: doc.id, memberId: c.memberId, labels: c.before })),
        document,
        isReviewDocument,
        labelUpdateList: {
          toDeleteList: gone.flatMap((c) => c.list.toDeleteList),
          toUpsertList: gone.flatMap((c) => c.list.toUpsertList),
        },
      },
    });
  }
}

/** The integer aliases of the given members. */
async function memberNumsOf(trx: Transaction<DatabaseSchema>, memberIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (memberIds.length === 0) return out;
  const rows = await trx.selectFrom('members').select(['id', 'num']).where('id', 'in', [...new Set(memberIds)]).execute();
  for (const r of rows) out.set(r.id, Number(r.num));
  return out;
}
