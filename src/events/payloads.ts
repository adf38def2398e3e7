import type { DocumentRef, LabelView, ProjectRef } from './event.js';

// The `data` of each event type. Every event also carries `team`, `project` (when project-scoped)
// and `actor` on the envelope (StoredEvent), so receivers never need to call back.

/** A document as carried by TASKS_* events: ids and keys, plus content on creation. */
export interface DocumentPayload extends DocumentRef {
  text?: string | null;
  data?: unknown;
}

export interface LabelUpdateList {
  toDeleteList: LabelView[];
  toUpsertList: LabelView[];
}

export interface AnnotationPayload {
  id: string;
  documentId: string;
  projectId: string;
  memberId: string;
  labels: LabelView[];
  createdAt: string;
  updatedAt: string;
}

export interface EventDataByType {
  PROJECT_CREATED: { project: ProjectRef };
  PROJECT_UPDATED: { project: ProjectRef; before: Partial<Pick<ProjectRef, 'name' | 'tags' | 'labelSet'>>; changed: string[] };
  PROJECT_DELETED: { project: ProjectRef; documentCount: number };
  TASKS_CREATED: { documents: DocumentPayload[]; count: number };
  TASKS_DELETED: { documents: DocumentPayload[]; count: number };
  TASKS_EXCLUDED: { documents: DocumentPayload[]; count: number };
  BEFORE_UPDATE_LABELS: { document: DocumentRef; isReviewDocument: boolean; labelUpdateList: LabelUpdateList };
  ANNOTATION_CREATED: { annotation: AnnotationPayload; document: DocumentRef; isReviewDocument: boolean; labelUpdateList: LabelUpdateList };
  ANNOTATION_UPDATED: {
    annotation: AnnotationPayload;
    document: DocumentRef;
    isReviewDocument: boolean;
    labelUpdateList: LabelUpdateList;
    before: { labels: LabelView[] };
  };
  ANNOTATIONS_DELETED: {
    annotations: { id: string; documentId: string; memberId: string; labels: LabelView[] }[];
    document: DocumentRef;
    isReviewDocument: boolean;
    labelUpdateList: LabelUpdateList;
  };
  TASK_COMPLETED: { document: DocumentRef; mode: 'labeler' };
  TASK_REVIEWED: { document: DocumentRef; mode: 'reviewer' };
  PROJECT_COMPLETED: { project: ProjectRef; mode: 'labeler' };
  PROJECT_REVIEWED: { project: ProjectRef; mode: 'reviewer' };
  PING: { message: string; webhookId: string };
}
