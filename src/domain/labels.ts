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
 * Every label on a document with its owner, in creation order. With `pause`, read a page of CHUNK_SIZE at a time,
 * pausing between pages (a document may hold 10,000 labels); call it so only where one snapshot covers the pages
 * (inside the transaction that locked the document) or where a torn read is checked again later.
 */
export async function labelsOnDocument(db: Db, documentId: string, pause?: Breather): Promise<OwnedLabel[]> {
  const page = (after: string | null, limit: number | null) => {
    let q = db
      .selectFrom('labels as l')
      .innerJoin('annotations as a', 'a.id', 'l.annotation_id')
      .selectAll('l')
      .select('a.member_id as owner_member_id')
      .where('l.document_id', '=', documentId);
    if (after !== null) q = q.where('l.id', '>', after);
    q = q.orderBy('l.id');
    return (limit === null ? q : q.limit(limit)).execute();
  };
  const out: OwnedLabel[] = [];
  for (let after: string | null = null; ; ) {
    const rows = await page(after, pause ? CHUNK_SIZE : null);
    for (const { owner_member_id, ...row } of rows) out.push({ row, memberId: owner_member_id });
    if (!pause || rows.length < CHUNK_SIZE) return out;
    after = rows[rows.length - 1]!.id;
    await pause();
  }
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
