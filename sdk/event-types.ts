// labelhook's event model: the one definition, used by the server (src/events/*) and by receivers through the
// SDK. It lives here because the SDK must stay free of server code, while the server may depend on the SDK.

/** Every event type labelhook emits. */
export const EVENT_TYPES = [
  'PROJECT_CREATED',
  'PROJECT_UPDATED',
  'PROJECT_DELETED',
  'TASKS_CREATED',
  'TASKS_DELETED',
  'TASKS_EXCLUDED',
  'BEFORE_UPDATE_LABELS',
  'ANNOTATION_CREATED',
  'ANNOTATION_UPDATED',
  'ANNOTATIONS_DELETED',
  'TASK_COMPLETED',
  'TASK_REVIEWED',
  'PROJECT_COMPLETED',
  'PROJECT_REVIEWED',
  'PING',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Who caused an event. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'labeler' | 'reviewer';
}

export interface TeamRef {
  id: string;
  name: string;
}

export interface LabelSetItem {
  id: string;
  label: string;
  color: string | null;
}

export interface ProjectRef {
  id: string;
  name: string;
  tags: string[];
  status: string;
  labelSet: LabelSetItem[];
  createdAt: string;
  updatedAt: string;
}

export interface DocumentRef {
  id: string;
  projectId: string;
  key: string | null;
  name: string;
  status: 'active' | 'excluded';
  createdAt: string;
  updatedAt: string;
  /** Only in webhook bodies: the document was too large for the webhook's limit with these fields, left out. */
  contentOmitted?: ('text' | 'data')[];
  /** With contentOmitted: the API path (`/api/v1/documents/{id}`) that answers the document whole. */
  contentPath?: string;
}

/** A label in Datasaur's shape. */
export interface LabelView {
  id: string;
  documentId: string;
  type: 'SPAN' | 'ROW' | 'DOCUMENT';
  startCellIndex: number;
  startCellLine: number;
  startTokenIndex: number;
  startCharIndex: number;
  endCellIndex: number;
  endCellLine: number;
  endTokenIndex: number;
  endCharIndex: number;
  counter: number;
  layer: number;
  labeledBy: string;
  labelSetItemId: string;
  confidenceScore: number | null;
  labeledByUserId: string;
}

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

/** The event-specific `data` of each event type. */
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
