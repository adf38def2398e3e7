import type { Kysely, Selectable, Transaction } from 'kysely';
import type { LabelView } from '../events/event.js';
import type { DatabaseSchema, LabelTable } from '../store/schema.js';
import { CHUNK_SIZE } from './chunked.js';
import { getDocumentRow } from './documents.js';
import type { Breather } from './slices.js';
import { toLabelView } from './views.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** A label row with the member whose annotation holds it. */
export interface OwnedLabel {
  row: Selectable<LabelTable>;
  memberId: string;
}

/**
 * Every label on a document with its owner, in creation order. With `pause`, its ids first, then the labels a
 * CHUNK_SIZE of ids at a time, pausing between two (a document may hold 10,000 labels); call it so only where one
 * snapshot covers the reads (inside the transaction that locked the document) or where a torn read is checked again.
 */
export async function labelsOnDocument(db: Db, documentId: string, pause?: Breather): Promise<OwnedLabel[]> {
  const select = () =>
    db
      .selectFrom('labels as l')
      .innerJoin('annotations as a', 'a.id', 'l.annotation_id')
      .selectAll('l')
      .select('a.member_id as owner_member_id')
      .orderBy('l.id');
  const owned = (rows: Awaited<ReturnType<ReturnType<typeof select>['execute']>>): OwnedLabel[] =>
    rows.map(({ owner_member_id, ...row }) => ({ row, memberId: owner_member_id }));
  if (!pause) return owned(await select().where('l.document_id', '=', documentId).execute());
  const first = await select().where('l.document_id', '=', documentId).limit(CHUNK_SIZE).execute();
  if (first.length < CHUNK_SIZE) return owned(first);
  // Ids, then rows by id: each read is bounded (a keyset page would sort all the document's labels every time).
  const ids = (await db.selectFrom('labels').select('id').where('document_id', '=', documentId).orderBy('id').execute()).map((r) => r.id);
  const out: OwnedLabel[] = [];
  for (let i = 0; i < ids.length; i += CHUNK_SIZE) {
    if (i > 0) await pause();
    out.push(...owned(await select().where('l.id', 'in', ids.slice(i, i + CHUNK_SIZE)).execute()));
  }
  return out;
}

/** All members' labels on a document of the caller's team, in Datasaur's shape. */
export async function listLabels(db: Db, teamId: string, documentId: string): Promise<LabelView[]> {
  const doc = await getDocumentRow(db, teamId, documentId);
  return (await labelsOnDocument(db, doc.id)).map((l) => toLabelView(l.row));
}

/** The label columns of a label in Datasaur's shape. */
export function labelColumns(l: LabelView): Omit<Selectable<LabelTable>, 'id' | 'team_id' | 'project_id' | 'document_id' | 'annotation_id' | 'created_at' | 'updated_at'> {
  return {
    type: l.type,
    start_cell_index: l.startCellIndex,
    start_cell_line: l.startCellLine,
    start_token_index: l.startTokenIndex,
    start_char_index: l.startCharIndex,
    end_cell_index: l.endCellIndex,
    end_cell_line: l.endCellLine,
    end_token_index: l.endTokenIndex,
    end_char_index: l.endCharIndex,
    counter: l.counter,
    layer: l.layer,
    labeled_by: l.labeledBy,
    label_set_item_id: l.labelSetItemId,
    confidence_score: l.confidenceScore,
    labeled_by_user_id: l.labeledByUserId,
  };
}
