import type { Actor, EventDataByType, EventType, ProjectRef, TeamRef } from './event-types.js';

// The request bodies labelhook sends, per format. A batching webhook sends a JSON array of single bodies
// (standard, datasaur, label-studio) or Labelator's own batch shape.

export type * from './event-types.js';

/** The formats a webhook can be registered with. */
export type WebhookFormatName = 'standard' | 'datasaur' | 'label-studio' | 'labelator';

/**
 * Where one part of a list event belongs, when the event was too large for the webhook's `maxBodyBytes` and went out
 * in parts (each its own request and webhook-id): the event, this part's number (1-based) and the part count.
 * A receiver has the whole event once it holds parts 1 to `count` of `eventId`. Bodies without it are whole events.
 */
export interface WebhookPart {
  eventId: string;
  index: number;
  count: number;
}

/** WebhookPart in Label Studio's snake_case, a top-level extension key of label-studio bodies. */
export interface LabelStudioPart {
  event_id: string;
  index: number;
  count: number;
}

// ---- standard (Standard Webhooks envelope) ----

/** `data` of a standard event: the event id, envelope refs, then the event-specific fields. */
export type StandardEventData<T extends EventType> = {
  id: string;
  team: TeamRef;
  project: ProjectRef | null;
  actor: Actor | null;
  /** Only on list events sent in parts. */
  part?: WebhookPart;
} & EventDataByType[T];

/** A standard-format body, discriminated by `type`. */
export type StandardWebhookEvent = {
  [T in EventType]: { type: T; timestamp: string; data: StandardEventData<T> };
}[EventType];

/** A standard-format body from a webhook with `sendPayload: false`: ids only. */
export interface StandardWebhookEventIdsOnly {
  type: EventType;
  timestamp: string;
  data: { id: string; team: { id: string }; project: { id: string } | null };
}

export type StandardWebhookBody = StandardWebhookEvent | StandardWebhookEventIdsOnly;

// ---- datasaur ----

export interface DatasaurUser {
  id: string;
  email: string;
  username: string;
  name: string;
}

export interface DatasaurProject {
  id: string;
  name: string;
  tags: string[];
  /** Only on event types Datasaur lacks. */
  status?: string;
  /** Only on event types Datasaur lacks. */
  labelSet?: ProjectRef['labelSet'];
}

export interface DatasaurDocument {
  id: string;
  originId: string;
  name: string;
  fileName: string;
  createdAt: string;
  lastSavedAt: string;
  /** Only on event types Datasaur lacks. */
  key?: string | null;
  /** Only on TASKS_* events, when the document was imported with content. */
  text?: string | null;
  data?: unknown;
  /** The document was too large for the webhook's limit with these fields, left out; contentPath answers it whole. */
  contentOmitted?: ('text' | 'data')[];
  contentPath?: string;
}

/** A label in Datasaur's key order, plus labelhook's `id`. */
export interface DatasaurLabel {
  documentId: string;
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
  type: 'SPAN' | 'ROW' | 'DOCUMENT';
  labelSetItemId: string;
  confidenceScore: number | null;
  labeledByUserId: string;
  id: string;
}

export interface DatasaurLabelUpdateList {
  toDeleteList: DatasaurLabel[];
  toUpsertList: DatasaurLabel[];
}

export interface DatasaurProjectCreated {
  eventType: 'PROJECT_CREATED';
  data: { timestamp: string; project: DatasaurProject; team: TeamRef };
}

export interface DatasaurBeforeUpdateLabels {
  eventType: 'BEFORE_UPDATE_LABELS';
  data: {
    timestamp: string;
    document: DatasaurDocument;
    isReviewDocument: boolean;
    labelUpdateList: DatasaurLabelUpdateList;
    owner?: DatasaurUser;
    team: { id: string };
  };
}

export interface DatasaurProjectCompleted {
  eventType: 'PROJECT_COMPLETED';
  data: { timestamp: string; labeler?: DatasaurUser; project: DatasaurProject; team: { id: string } };
}

export interface DatasaurProjectReviewed {
  eventType: 'PROJECT_REVIEWED';
  data: { timestamp: string; reviewer?: DatasaurUser; project: DatasaurProject; team: { id: string } };
}

/** Event types Datasaur lacks: the same envelope, with the event's own fields in Datasaur's shapes. */
export interface DatasaurOtherEvent {
  eventType: Exclude<EventType, 'PROJECT_CREATED' | 'BEFORE_UPDATE_LABELS' | 'PROJECT_COMPLETED' | 'PROJECT_REVIEWED'>;
  data: {
    timestamp: string;
    document?: DatasaurDocument;
    documents?: DatasaurDocument[];
    labelUpdateList?: DatasaurLabelUpdateList;
    labeler?: DatasaurUser;
    reviewer?: DatasaurUser;
    owner?: DatasaurUser;
    user?: DatasaurUser;
    project?: DatasaurProject;
    team: TeamRef;
    /** Only on list events sent in parts. */
    part?: WebhookPart;
    [field: string]: unknown;
  };
}

/** A datasaur-format body from a webhook with `sendPayload: false`: ids only. */
export interface DatasaurEventIdsOnly {
  eventType: EventType;
  data: { timestamp: string; project?: { id: string }; team: { id: string } };
}

export type DatasaurWebhookBody =
  | DatasaurProjectCreated
  | DatasaurBeforeUpdateLabels
  | DatasaurProjectCompleted
  | DatasaurProjectReviewed
  | DatasaurOtherEvent
  | DatasaurEventIdsOnly;

// ---- label-studio ----

export interface LabelStudioProject {
  id: string;
  title: string;
  description: string;
  label_config: string;
  data_types: Record<string, string>;
  created_at: string;
  updated_at: string;
  organization: string;
  /** labelhook's extras, not in Label Studio. */
  tags: string[];
  status: string;
}

export interface LabelStudioTask {
  id: string;
  data: Record<string, unknown>;
  meta: { key: string | null; name: string };
  created_at: string;
  updated_at: string;
  is_labeled: boolean;
  project: string;
  /** labelhook's extension: the task was too large for the webhook's limit with these fields, left out of `data`. */
  content_omitted?: ('text' | 'data')[];
  /** With content_omitted: the API path that answers the document whole. */
  content_path?: string;
}

export interface LabelStudioResult {
  id: string;
  from_name: string;
  to_name: string;
  type: 'labels' | 'choices';
  origin: 'manual' | 'prediction';
  value: { start: number; end: number; labels: string[] } | { choices: string[] };
  score?: number;
}

export interface LabelStudioAnnotation {
  id: string;
  result: LabelStudioResult[];
  was_cancelled: boolean;
  ground_truth: boolean;
  created_at: string;
  updated_at: string;
  lead_time: number | null;
  task: string;
  project: string;
  completed_by: string;
}

export type LabelStudioWebhookBody =
  | { action: 'PROJECT_CREATED' | 'PROJECT_UPDATED' | 'PROJECT_COMPLETED' | 'PROJECT_REVIEWED'; project: LabelStudioProject }
  | { action: 'PROJECT_DELETED'; project: { id: string } }
  | { action: 'TASKS_CREATED' | 'TASKS_EXCLUDED'; tasks: LabelStudioTask[]; project: LabelStudioProject; part?: LabelStudioPart }
  | { action: 'TASKS_DELETED'; tasks: { id: string }[]; project: LabelStudioProject; part?: LabelStudioPart }
  | { action: 'ANNOTATION_CREATED' | 'ANNOTATION_UPDATED'; annotation: LabelStudioAnnotation; project: LabelStudioProject; task: LabelStudioTask }
  | { action: 'ANNOTATIONS_DELETED'; annotations: { id: string }[]; project: LabelStudioProject; part?: LabelStudioPart }
  | {
      action: 'BEFORE_UPDATE_LABELS';
      labels: { to_upsert: LabelStudioResult[]; to_delete: LabelStudioResult[] };
      is_review_document: boolean;
      project: LabelStudioProject;
      task: LabelStudioTask;
    }
  | { action: 'TASK_COMPLETED' | 'TASK_REVIEWED'; task: LabelStudioTask; project: LabelStudioProject }
  | { action: 'PING'; message: string; webhook_id: string }
  /** `sendPayload: false`. */
  | { action: EventType };

// ---- labelator ----

export interface LabelatorDoc {
  id: string;
  key: string | null;
}

export interface LabelatorModified extends LabelatorDoc {
  labels?: string[];
  predicted_labels?: string[];
}

/** Labelator's callbacks; event types Labelator lacks arrive as standard bodies. */
export type LabelatorWebhookBody = { docs: LabelatorDoc[] } | { modified: LabelatorModified[] } | StandardWebhookBody | StandardWebhookBody[];

/** The parsed body `verifyWebhook` returns for each format. */
export interface WebhookBodyByFormat {
  standard: StandardWebhookBody | StandardWebhookBody[];
  datasaur: DatasaurWebhookBody | DatasaurWebhookBody[];
  'label-studio': LabelStudioWebhookBody | LabelStudioWebhookBody[];
  labelator: LabelatorWebhookBody;
}
