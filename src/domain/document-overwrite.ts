import type { Insertable, Selectable, Transaction } from 'kysely';
import type { Actor, ProjectRef, TeamRef } from '../events/event.js';
import { appendEvent } from '../events/outbox.js';
import type { DatabaseSchema, DocumentTable } from '../store/schema.js';
import { eachSlice } from './slices.js';
import { toDocumentRef, toLabelView } from './views.js';

type Trx = Transaction<DatabaseSchema>;
type DocumentRow = Selectable<DocumentTable>;

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(keyOf(item));
    if (list) list.push(item);
    else out.set(keyOf(item), [item]);
  }
  return out;
}

/** The project's documents holding any of `keys`, by key. */
export async function documentsByKey(trx: Trx, projectId: string, keys: string[]): Promise<Map<string, DocumentRow>> {
  const found = new Map<string, DocumentRow>();
  await eachSlice(keys, async (part) => {
    const rows = await trx.selectFrom('documents').selectAll().where('project_id', '=', projectId).where('key', 'in', part).execute();
    for (const r of rows) found.set(r.key!, r);
  });
  return found;
}

/**
 * The row a replaced document becomes: the import's name, text and data; its id, key, status (an excluded document
 * stays excluded) and creation time stay, so every reference to it (labels, receivers' copies) still holds.
 */
export function replacedRow(before: DocumentRow, fresh: DocumentRow): DocumentRow {
  return { ...before, name: fresh.name, text: fresh.text, data: fresh.data, updated_at: fresh.updated_at };
}

/** True when the replacement changes what labels point into (the text, or the data byte for byte as JSON). */
export function contentChanged(before: DocumentRow, after: DocumentRow): boolean {
  return before.text !== after.text || before.data !== after.data;
}

/** Writes replaced documents in multi-row upserts on their id (every row exists: the update branch always runs). */
export async function writeReplacedRows(trx: Trx, rows: DocumentRow[]): Promise<void> {
  await eachSlice(rows, async (part) => {
    await trx
      .insertInto('documents')
      .values(part as Insertable<DocumentTable>[])
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          text: eb.ref('excluded.text'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  });
}

/** Envelope of the events an overwrite emits. */
export interface OverwriteEnvelope {
  team: TeamRef;
  project: ProjectRef;
  actor: Actor;
}

/**
 * Removes every label, annotation and completion of `docs` (documents whose content changed: spans and choices made
 * on the old content no longer describe it) and appends one `ANNOTATIONS_DELETED` per document that had annotations,
 * as deleting them by hand would. Answers how many labels were removed.
 */
export async function clearLabelsOf(trx: Trx, docs: DocumentRow[], env: OverwriteEnvelope, now: number): Promise<number> {
  let removed = 0;
  await eachSlice(docs, async (part) => {
    const ids = part.map((d) => d.id);
    const annotations = await trx.selectFrom('annotations').selectAll().where('document_id', 'in', ids).orderBy('id').execute();
    if (annotations.length > 0) {
      const labels = await trx.selectFrom('labels').selectAll().where('document_id', 'in', ids).orderBy('id').execute();
      removed += labels.length;
      await trx.deleteFrom('labels').where('document_id', 'in', ids).execute();
      await trx.deleteFrom('annotations').where('document_id', 'in', ids).execute();
      const byDoc = groupBy(annotations, (a) => a.document_id);
      const byAnnotation = groupBy(labels, (l) => l.annotation_id);
      for (const doc of part) {
        const own = byDoc.get(doc.id);
        if (!own) continue;
        const annotationViews = own.map((a) => ({ id: a.id, documentId: doc.id, memberId: a.member_id, labels: (byAnnotation.get(a.id) ?? []).map(toLabelView) }));
        const views = annotationViews.flatMap((a) => a.labels);
        await appendEvent(
          trx,
          {
            ...env,
            type: 'ANNOTATIONS_DELETED',
            data: {
              annotations: annotationViews,
              document: toDocumentRef(doc),
              isReviewDocument: false,
              labelUpdateList: { toDeleteList: views, toUpsertList: [] },
            },
          },
          now,
        );
      }
    }
    await trx.deleteFrom('completions').where('document_id', 'in', ids).execute();
  });
  return removed;
}
