import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DocumentRef, ProjectCounts, ProjectRef } from '../events/event.js';
import { preparedQuery } from '../store/db.js';
import type { DatabaseSchema, DocumentTable, ProjectTable } from '../store/schema.js';
import { toDocumentRef, toProjectRef, type CurrentProjectRef } from './views.js';

// What events carry beyond the API's refs, read at emission time inside the change's transaction, so formats
// stay pure (the label-studio dialect needs project counts, task content and annotation counts).

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

const selectCounts = preparedQuery<{ id: string }, Record<'documents' | 'annotated' | 'annotations' | 'labels', number | string | null>>((db, param) =>
  db.selectNoFrom((eb) => [
    eb.selectFrom('documents').select(eb.fn.countAll<number>().as('n')).where('project_id', '=', param('id')).as('documents'),
    eb
      .selectFrom('annotations')
      .select((sb) => sb.fn.count<number>('document_id').distinct().as('n'))
      .where('project_id', '=', param('id'))
      .as('annotated'),
    eb.selectFrom('annotations').select(eb.fn.countAll<number>().as('n')).where('project_id', '=', param('id')).as('annotations'),
    eb.selectFrom('labels').select(eb.fn.countAll<number>().as('n')).where('project_id', '=', param('id')).as('labels'),
  ]),
);

/** The project as an event carries it: the API's ref plus its counts now (one statement). */
export async function eventProjectRef(db: Db, row: Selectable<ProjectTable>): Promise<ProjectRef & { counts: ProjectCounts }> {
  const c = (await selectCounts(db, { id: row.id }))[0];
  return {
    ...toProjectRef(row),
    counts: {
      documentCount: Number(c?.documents ?? 0),
      annotatedDocumentCount: Number(c?.annotated ?? 0),
      annotationCount: Number(c?.annotations ?? 0),
      labelCount: Number(c?.labels ?? 0),
    },
  };
}

/** A new project's event ref: nothing to count yet. */
export function newProjectRef(row: Selectable<ProjectTable>): CurrentProjectRef {
  return { ...toProjectRef(row), counts: { documentCount: 0, annotatedDocumentCount: 0, annotationCount: 0, labelCount: 0 } };
}

const selectAnnotationCount = preparedQuery<{ id: string }, { n: number | string }>((db, param) =>
  db.selectFrom('annotations').select((eb) => eb.fn.countAll<number>().as('n')).where('document_id', '=', param('id')),
);

/** How many annotations a document has. */
export async function annotationCountOf(db: Db, documentId: string): Promise<number> {
  return Number((await selectAnnotationCount(db, { id: documentId }))[0]?.n ?? 0);
}

/** A document as events about that one document carry it: the ref with its content and annotation count. */
export function eventDocumentRef(row: Selectable<DocumentTable>, annotationCount: number): DocumentRef {
  return { ...toDocumentRef(row), text: row.text, data: row.data === null ? null : (JSON.parse(row.data) as unknown), annotationCount };
}
