import type { Kysely, Selectable, Transaction } from 'kysely';
import type { LabelView } from '../events/event.js';
import type { DatabaseSchema, LabelTable } from '../store/schema.js';
import { getDocumentRow } from './documents.js';
import { toLabelView } from './views.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** A label row with the member whose annotation holds it. */
export interface OwnedLabel {
  row: Selectable<LabelTable>;
  memberId: string;
}

/** Every label on a document with its owner, in creation order. */
export async function labelsOnDocument(db: Db, documentId: string): Promise<OwnedLabel[]> {
  const rows = await db
    .selectFrom('labels as l')
    .innerJoin('annotations as a', 'a.id', 'l.annotation_id')
    .selectAll('l')
    .select('a.member_id as owner_member_id')
    .where('l.document_id', '=', documentId)
    .orderBy('l.id')
    .execute();
  return rows.map(({ owner_member_id, ...row }) => ({ row, memberId: owner_member_id }));
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
