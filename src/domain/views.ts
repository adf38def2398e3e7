import type { Selectable } from 'kysely';
import type { DocumentRef, LabelView, ProjectRef } from '../events/event.js';
import type { DocumentTable, LabelTable, ProjectTable } from '../store/schema.js';

const iso = (ms: number): string => new Date(Number(ms)).toISOString();

/** A project as read from its row: the integer aliases are always known (only old stored events lack them). */
export interface CurrentProjectRef extends ProjectRef {
  num: number;
  createdByNum: number | null;
}

/** A project row as the API and events show it. */
export function toProjectRef(row: Selectable<ProjectTable>): CurrentProjectRef {
  return {
    id: row.id,
    name: row.name,
    tags: JSON.parse(row.tags) as string[],
    status: row.status,
    labelSet: JSON.parse(row.label_set) as ProjectRef['labelSet'],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    num: Number(row.num),
    createdByNum: row.created_by_num === null ? null : Number(row.created_by_num),
  };
}

/** A document row as events reference it (no content). */
export function toDocumentRef(row: Pick<Selectable<DocumentTable>, 'id' | 'num' | 'project_id' | 'key' | 'name' | 'status' | 'created_at' | 'updated_at'>): DocumentRef {
  return {
    id: row.id,
    projectId: row.project_id,
    key: row.key,
    name: row.name,
    status: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    num: Number(row.num),
  };
}

/** A label row in Datasaur's shape, every field filled. */
export function toLabelView(row: Selectable<LabelTable>): LabelView {
  return {
    id: row.id,
    documentId: row.document_id,
    type: row.type,
    startCellIndex: row.start_cell_index,
    startCellLine: row.start_cell_line,
    startTokenIndex: row.start_token_index,
    startCharIndex: row.start_char_index,
    endCellIndex: row.end_cell_index,
    endCellLine: row.end_cell_line,
    endTokenIndex: row.end_token_index,
    endCharIndex: row.end_char_index,
    counter: row.counter,
    layer: row.layer,
    labeledBy: row.labeled_by,
    labelSetItemId: row.label_set_item_id,
    confidenceScore: row.confidence_score === null ? null : Number(row.confidence_score),
    labeledByUserId: row.labeled_by_user_id,
  };
}
