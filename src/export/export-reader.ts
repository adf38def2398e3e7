import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DocumentView } from '../domain/documents.js';
import { toLabelView } from '../domain/views.js';
import type { LabelView, ProjectRef } from '../events/event.js';
import type { DatabaseSchema, DocumentTable, ProjectTable } from '../store/schema.js';
import type { ExportStatus } from './export-options.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** Documents read per query: bounds the memory of an export whatever the project's size. */
export const EXPORT_PAGE_SIZE = 500;

/** A label as exported: every label field, its display name, and whose annotation holds it. */
export interface ExportLabel extends LabelView {
  /** The label set item's display name. */
  label: string;
  annotationId: string;
  createdAt: string;
  updatedAt: string;
}

/** One member's labels on a document. */
export interface ExportAnnotation {
  id: string;
  memberId: string;
  /** The member's email and name; null when the member no longer exists. */
  member: { email: string; name: string; role: string } | null;
  createdAt: string;
  updatedAt: string;
  labels: ExportLabel[];
}

/** A document as the API shows it (src/domain/documents.ts), with its completion and review state and every member's labels. */
export interface ExportDocument extends DocumentView {
  /** Completed in labeler mode by someone (or the whole project was), or reviewed. */
  completed: boolean;
  /** Completed in reviewer mode by someone, or the whole project was reviewed. */
  reviewed: boolean;
  annotations: ExportAnnotation[];
}

/** What an export reads: the project, its filter, and the cut-off for `since`. */
export interface ExportSelection {
  project: Selectable<ProjectTable>;
  status: ExportStatus;
  since: number | null;
}

const iso = (ms: number): string => new Date(Number(ms)).toISOString();

type Member = ExportAnnotation['member'];

/** One page of documents after `afterId`, in id order, narrowed by status and since. */
function documentPage(db: Db, sel: ExportSelection, afterId: string | null): Promise<Selectable<DocumentTable>[]> {
  let q = db.selectFrom('documents as d').selectAll('d').where('d.project_id', '=', sel.project.id).where('d.status', '=', 'active');
  if (afterId !== null) q = q.where('d.id', '>', afterId);
  // A completed project makes every document completed, a reviewed one every document reviewed: no filter then.
  const projectDone = sel.project.status === 'COMPLETED' || sel.project.status === 'REVIEWED';
  if (sel.status === 'completed' && !projectDone) {
    q = q.where((eb) => eb.exists(eb.selectFrom('completions as c').select('c.id').whereRef('c.document_id', '=', 'd.id')));
  }
  if (sel.status === 'reviewed' && sel.project.status !== 'REVIEWED') {
    q = q.where((eb) => eb.exists(eb.selectFrom('completions as c').select('c.id').whereRef('c.document_id', '=', 'd.id').where('c.mode', '=', 'reviewer')));
  }
  const since = sel.since;
  if (since !== null) {
    q = q.where((eb) =>
      eb.or([
        eb('d.updated_at', '>=', since),
        eb.exists(eb.selectFrom('annotations as a').select('a.id').whereRef('a.document_id', '=', 'd.id').where('a.updated_at', '>=', since)),
        eb.exists(eb.selectFrom('completions as c').select('c.id').whereRef('c.document_id', '=', 'd.id').where('c.created_at', '>=', since)),
      ]),
    );
  }
  return q.orderBy('d.id').limit(EXPORT_PAGE_SIZE).execute();
}

/** The members named by `ids` that `cache` lacks, added to it. */
async function loadMembers(db: Db, teamId: string, ids: Iterable<string>, cache: Map<string, Member>): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id));
  if (missing.length === 0) return;
  const rows = await db.selectFrom('members').select(['id', 'email', 'name', 'role']).where('team_id', '=', teamId).where('id', 'in', missing).execute();
  for (const id of missing) cache.set(id, null);
  for (const r of rows) cache.set(r.id, { email: r.email, name: r.name, role: r.role });
}

/** Completions, annotations and labels of one page of documents (three queries however long the page). */
async function assemble(db: Db, project: ProjectRef, projectStatus: string, docs: Selectable<DocumentTable>[], members: Map<string, Member>): Promise<ExportDocument[]> {
  const ids = docs.map((d) => d.id);
  const [completions, labels] = await Promise.all([
    db.selectFrom('completions').select(['document_id', 'member_id', 'mode', 'created_at']).where('document_id', 'in', ids).orderBy('id').execute(),
    db
      .selectFrom('labels as l')
      .innerJoin('annotations as a', 'a.id', 'l.annotation_id')
      .selectAll('l')
      .select(['a.member_id as owner_id', 'a.created_at as annotation_created_at', 'a.updated_at as annotation_updated_at'])
      .where('l.document_id', 'in', ids)
      .orderBy('l.annotation_id')
      .orderBy('l.id')
      .execute(),
  ]);
  await loadMembers(db, docs[0]!.team_id, labels.map((l) => l.owner_id), members);
  const byDoc = new Map<string, ExportDocument>();
  const out = docs.map((d): ExportDocument => {
    const doc: ExportDocument = {
      id: d.id,
      num: Number(d.num),
      projectId: d.project_id,
      key: d.key,
      name: d.name,
      text: d.text,
      data: d.data === null ? null : (JSON.parse(d.data) as unknown),
      status: d.status,
      createdAt: iso(d.created_at),
      updatedAt: iso(d.updated_at),
      completed: projectStatus === 'COMPLETED' || projectStatus === 'REVIEWED',
      reviewed: projectStatus === 'REVIEWED',
      completions: [],
      annotations: [],
    };
    byDoc.set(d.id, doc);
    return doc;
  });
  for (const c of completions) {
    const doc = byDoc.get(c.document_id!)!;
    doc.completions.push({ memberId: c.member_id, mode: c.mode, completedAt: iso(c.created_at) });
    doc.completed = true;
    if (c.mode === 'reviewer') doc.reviewed = true;
  }
  // Names once per label set item, not a search per label.
  const names = new Map(project.labelSet.map((i) => [i.id, i.label]));
  for (const row of labels) {
    const doc = byDoc.get(row.document_id)!;
    let annotation = doc.annotations[doc.annotations.length - 1];
    if (annotation?.id !== row.annotation_id) {
      const owner = row.owner_id;
      annotation = { id: row.annotation_id, memberId: owner, member: members.get(owner) ?? null, createdAt: iso(row.annotation_created_at), updatedAt: iso(row.annotation_updated_at), labels: [] };
      doc.annotations.push(annotation);
    }
    const view = toLabelView(row);
    annotation.labels.push(Object.assign(view, { label: names.get(view.labelSetItemId) ?? view.labelSetItemId, annotationId: row.annotation_id, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) }));
  }
  return out;
}

/**
 * The selected documents of a project with their labels, one page of EXPORT_PAGE_SIZE at a time (keyset pagination
 * on the document id): a page is read only when the previous one has been consumed, so memory stays bounded.
 * Pages are read one after the other, not in one snapshot: a document labeled meanwhile may show either state.
 */
export async function* readExportPages(db: Db, sel: ExportSelection, project: ProjectRef): AsyncGenerator<ExportDocument[]> {
  const members = new Map<string, Member>();
  let afterId: string | null = null;
  for (;;) {
    const docs = await documentPage(db, sel, afterId);
    if (docs.length === 0) return;
    yield await assemble(db, project, sel.project.status, docs, members);
    if (docs.length < EXPORT_PAGE_SIZE) return;
    afterId = docs[docs.length - 1]!.id;
  }
}
