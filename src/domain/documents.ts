import type { Kysely, Selectable, Transaction } from 'kysely';
import { NotFoundError } from '../errors.js';
import type { DocumentPayload } from '../events/payloads.js';
import type { CompletionTable, DatabaseSchema, DocumentTable } from '../store/schema.js';
import { chunked } from './chunked.js';
import { resolveDocumentIds, resolveId } from './id-alias.js';
import { getProject } from './projects.js';
import { eachSlice } from './slices.js';
import { toDocumentRef } from './views.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** One member's completion of a document in one mode. */
export interface CompletionView {
  memberId: string;
  mode: 'labeler' | 'reviewer';
  completedAt: string;
}

/** A document as the API shows it: content, status and who completed or reviewed it. */
export interface DocumentView {
  id: string;
  /** Integer alias of `id`, accepted wherever `id` is. */
  num: number;
  projectId: string;
  key: string | null;
  name: string;
  text: string | null;
  data: unknown;
  status: 'active' | 'excluded';
  createdAt: string;
  updatedAt: string;
  completions: CompletionView[];
}

/** The stored `data` column back as a JSON value (null when absent). */
export function parseDocumentData(data: string | null): unknown {
  return data === null ? null : (JSON.parse(data) as unknown);
}

/** A document row (and its completions) as the API shows it. */
export function toDocumentView(row: Selectable<DocumentTable>, completions: Selectable<CompletionTable>[] = []): DocumentView {
  return {
    ...toDocumentRef(row),
    num: Number(row.num),
    text: row.text,
    data: parseDocumentData(row.data),
    completions: completions.map((c) => ({ memberId: c.member_id, mode: c.mode, completedAt: new Date(Number(c.created_at)).toISOString() })),
  };
}

/** A document row as TASKS_* events carry it; `withContent` adds text and data (for creation). */
export function toDocumentPayload(row: Selectable<DocumentTable>, withContent: boolean): DocumentPayload {
  const ref = toDocumentRef(row);
  return withContent ? { ...ref, text: row.text, data: parseDocumentData(row.data) } : ref;
}

/** The document row `id` (string id or integer alias) of team `teamId`; throws NotFoundError when missing or another team's. */
export async function getDocumentRow(db: Db, teamId: string, id: string): Promise<Selectable<DocumentTable>> {
  const docId = await resolveId(db, 'documents', teamId, id);
  const row = await db.selectFrom('documents').selectAll().where('id', '=', docId).where('team_id', '=', teamId).executeTakeFirst();
  if (!row) throw new NotFoundError('Document', id);
  return row;
}

/** Completions of the given documents, by document id. */
export async function completionsOf(db: Db, documentIds: string[]): Promise<Map<string, Selectable<CompletionTable>[]>> {
  const byDoc = new Map<string, Selectable<CompletionTable>[]>();
  for (const ids of chunked(documentIds)) {
    const rows = await db.selectFrom('completions').selectAll().where('document_id', 'in', ids).orderBy('id').execute();
    for (const r of rows) {
      const list = byDoc.get(r.document_id!) ?? [];
      list.push(r);
      byDoc.set(r.document_id!, list);
    }
  }
  return byDoc;
}

/** One document of the caller's team with its content and completion state. */
export async function getDocument(db: Db, teamId: string, id: string): Promise<DocumentView> {
  const row = await getDocumentRow(db, teamId, id);
  const completions = await completionsOf(db, [row.id]);
  return toDocumentView(row, completions.get(row.id));
}

export interface DocumentListQuery {
  status?: 'active' | 'excluded';
  limit: number;
  /** Only documents with an id after this one (the decoded cursor). */
  afterId?: string;
}

/** Up to `limit + 1` of a project's documents in import order (the extra one tells the caller more exist). */
export async function listDocuments(db: Db, teamId: string, projectId: string, q: DocumentListQuery): Promise<DocumentView[]> {
  const project = await getProject(db, teamId, projectId);
  let query = db.selectFrom('documents').selectAll().where('project_id', '=', project.id).where('team_id', '=', teamId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.afterId) query = query.where('id', '>', q.afterId);
  const rows = await query.orderBy('id').limit(q.limit + 1).execute();
  const completions = await completionsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toDocumentView(r, completions.get(r.id)));
}

/**
 * The rows of `ids` (string ids or integer aliases) in project `projectId`, in the order asked (duplicates dropped); throws NotFoundError naming
 * the first id that is not a document of this project, so a batch action touches all of them or none.
 */
export async function requireProjectDocuments(db: Db, projectId: string, ids: string[]): Promise<Selectable<DocumentTable>[]> {
  const unique = [...new Set(await resolveDocumentIds(db, projectId, ids))];
  const found = new Map<string, Selectable<DocumentTable>>();
  // A slice per event-loop turn: bulk deletes and excludes name up to 100,000 ids.
  await eachSlice(unique, async (part) => {
    const rows = await db.selectFrom('documents').selectAll().where('project_id', '=', projectId).where('id', 'in', part).execute();
    for (const r of rows) found.set(r.id, r);
  });
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new NotFoundError('Document', missing[0]!, `Document ${missing[0]} was not found in project ${projectId}${missing.length > 1 ? ` (nor ${missing.length - 1} more)` : ''}; nothing was changed.`, {
      missing: missing.slice(0, 100),
      missingCount: missing.length,
    });
  }
  return unique.map((id) => found.get(id)!);
}
