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
  'TASKS_UPDATED',
  'BEFORE_UPDATE_LABELS',
  'ANNOTATION_CREATED',
  'ANNOTATION_UPDATED',
  'ANNOTATIONS_CREATED',
  'ANNOTATIONS_DELETED',
  'TASK_COMPLETED',
  'TASK_REVIEWED',
  'PROJECT_COMPLETED',
  'PROJECT_REVIEWED',
  'PING',
  'EXPORT_COMPLETED',
  'EXPORT_FAILED',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Who caused an event. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'labeler' | 'reviewer';
  /** Integer alias of `id`, accepted by the API wherever `id` is (absent on events stored before aliases existed). */
  num?: number;
}

export interface TeamRef {
  id: string;
  name: string;
  /** Integer alias of `id`, accepted by the API wherever `id` is (absent on events stored before aliases existed). */
  num?: number;
}

export interface LabelSetItem {
  id: string;
  label: string;
  color: string | null;
}

/** A project's workflow states, in the order a project moves through them. */
export const PROJECT_STATUSES = ['CREATED', 'IN_PROGRESS', 'COMPLETED', 'REVIEWED'] as const;

export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export interface ProjectRef {
  id: string;
  name: string;
  tags: string[];
  status: ProjectStatus;
  labelSet: LabelSetItem[];
  createdAt: string;
  updatedAt: string;
  /** Integer alias of `id`, accepted by the API wherever `id` is (absent on events stored before aliases existed). */
  num?: number;
  /** `num` of the member who created the project, when known. */
  createdByNum?: number | null;
  /** The project's counts when the event was emitted (events only; the API answers its own counts). */
  counts?: ProjectCounts;
}

/** A project's counts, as events carry them. */
export interface ProjectCounts {
  documentCount: number;
  /** Documents with at least one annotation. */
  annotatedDocumentCount: number;
  annotationCount: number;
  labelCount: number;
}

export interface DocumentRef {
  id: string;
  projectId: string;
  key: string | null;
  name: string;
  status: 'active' | 'excluded';
  createdAt: string;
  updatedAt: string;
  /** Integer alias of `id`, accepted by the API wherever `id` is (absent on events stored before aliases existed). */
  num?: number;
  /** The document's content: on every event about one document, and on TASKS_CREATED. */
  text?: string | null;
  data?: unknown;
  /** Annotations on the document once the event's change is applied (events about one document). */
  annotationCount?: number;
  /** Only in webhook bodies: the document was too large for the webhook's limit with these fields, left out. */
  contentOmitted?: ('text' | 'data')[];
  /** With contentOmitted: the API path (`/api/v1/documents/{id}`) that answers the document whole. */
  contentPath?: string;
}

/** Who made a label: a labeler, a reviewer, or a model's pre-label. */
export const LABEL_AUTHORS = ['LABELER', 'REVIEWER', 'PREDICTION'] as const;

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
  labeledBy: (typeof LABEL_AUTHORS)[number];
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
  /** Integer alias of `id`, accepted by the API wherever `id` is (absent on events stored before aliases existed). */
  num?: number;
  /** `num` of the member whose annotation it is. */
  memberNum?: number;
  documentId: string;
  projectId: string;
  memberId: string;
  labels: LabelView[];
  createdAt: string;
  updatedAt: string;
}

/** An export file, as EXPORT_COMPLETED announces it: where to download it (a signed, expiring URL) and what it holds. */
export interface ExportFileRef {
  id: string;
  projectId: string;
  format: 'jsonl' | 'label-studio' | 'conll' | 'csv';
  /** Which documents: all, completed or reviewed. */
  status: 'all' | 'completed' | 'reviewed';
  /** ISO 8601: only documents changed at or after it; null for all. */
  since: string | null;
  /** `api`, or the event type that started an auto-export (`PROJECT_COMPLETED`, `PROJECT_REVIEWED`). */
  trigger: string;
  documentCount: number;
  labelCount: number;
  byteSize: number;
  /** Hex SHA-256 of the file. */
  sha256: string;
  fileName: string;
  /** Works without an API key until downloadExpiresAt; `GET /api/v1/exports/{id}` gives a fresh one. */
  downloadUrl: string;
  downloadExpiresAt: string;
  createdAt: string;
  completedAt: string;
}

/** An export that could not be made, as EXPORT_FAILED announces it. */
export interface ExportFailureRef {
  id: string;
  projectId: string;
  format: ExportFileRef['format'];
  status: ExportFileRef['status'];
  since: string | null;
  trigger: string;
  error: string;
  attempts: number;
  createdAt: string;
}

/** The event-specific `data` of each event type. */
export interface EventDataByType {
  PROJECT_CREATED: { project: ProjectRef };
  PROJECT_UPDATED: { project: ProjectRef; before: Partial<Pick<ProjectRef, 'name' | 'tags' | 'labelSet'>>; changed: string[] };
  PROJECT_DELETED: { project: ProjectRef; documentCount: number };
  TASKS_CREATED: { documents: DocumentPayload[]; count: number };
  TASKS_DELETED: { documents: DocumentPayload[]; count: number };
  TASKS_EXCLUDED: { documents: DocumentPayload[]; count: number };
  /** Documents an import replaced (`onDuplicateKey: "overwrite"`): after (with content), and `before` in the same order. */
  TASKS_UPDATED: { documents: DocumentPayload[]; before: DocumentPayload[]; count: number };
  BEFORE_UPDATE_LABELS: { document: DocumentRef; isReviewDocument: boolean; labelUpdateList: LabelUpdateList };
  ANNOTATION_CREATED: { annotation: AnnotationPayload; document: DocumentRef; isReviewDocument: boolean; labelUpdateList: LabelUpdateList };
  ANNOTATION_UPDATED: {
    annotation: AnnotationPayload;
    document: DocumentRef;
    isReviewDocument: boolean;
    labelUpdateList: LabelUpdateList;
    before: { labels: LabelView[] };
  };
  ANNOTATIONS_CREATED: { annotations: AnnotationPayload[]; documents: DocumentRef[]; isReviewDocument: boolean };
  ANNOTATIONS_DELETED: {
    annotations: { id: string; num?: number; documentId: string; memberId: string; labels: LabelView[] }[];
    document: DocumentRef;
    isReviewDocument: boolean;
    labelUpdateList: LabelUpdateList;
  };
  TASK_COMPLETED: { document: DocumentRef; mode: 'labeler' };
  TASK_REVIEWED: { document: DocumentRef; mode: 'reviewer' };
  PROJECT_COMPLETED: { project: ProjectRef; mode: 'labeler' };
  PROJECT_REVIEWED: { project: ProjectRef; mode: 'reviewer' };
  PING: { message: string; webhookId: string };
  EXPORT_COMPLETED: { export: ExportFileRef };
  EXPORT_FAILED: { export: ExportFailureRef };
}
