import type { Actor, EventDataByType, EventType, ExportFailureRef, ExportFileRef, ProjectRef, TeamRef } from './event-types.js';

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
  /** Only on event types Datasaur lacks, when the event carries the document's content. */
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
  eventType: Exclude<EventType, 'PROJECT_CREATED' | 'BEFORE_UPDATE_LABELS' | 'PROJECT_COMPLETED' | 'PROJECT_REVIEWED' | 'EXPORT_COMPLETED'>;
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

/**
 * EXPORT_COMPLETED in Datasaur's export-callback shape, with the file's counts and checksum under `export`. Not one of
 * DatasaurWebhookBody (it has no eventType/data envelope): tell it apart by `fileUrl`.
 */
export interface DatasaurExportCallback {
  /** The member who asked for the export (or whose completion started an auto-export); null when none. */
  userId: string | null;
  fileUrl: string;
  projectId: string;
  /** Always null: labelhook exports whole projects. */
  documentId: null;
  export: ExportFileRef;
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

/** Label Studio 1.22's project object, every field; ids and foreign keys are labelhook's integer aliases. */
export interface LabelStudioProject {
  id: number;
  task_number: number;
  finished_task_number: number;
  total_predictions_number: number;
  total_annotations_number: number;
  num_tasks_with_annotations: number;
  useful_annotation_number: number;
  ground_truth_number: number;
  skipped_annotations_number: number;
  title: string;
  description: string;
  /** A labeling config whose `$text` variable names the task's `data.text`. */
  label_config: string;
  parsed_label_config: Record<string, unknown>;
  label_config_hash: number | null;
  expert_instruction: string;
  show_instruction: boolean;
  show_skip_button: boolean;
  enable_empty_annotation: boolean;
  reveal_preannotations_interactively: boolean;
  show_annotation_history: boolean;
  show_collab_predictions: boolean;
  evaluate_predictions_automatically: boolean;
  /** Always null: a secret in Label Studio. */
  token: null;
  result_count: number;
  color: string;
  maximum_annotations: number;
  min_annotations_to_start_training: number;
  control_weights: Record<string, unknown>;
  model_version: string;
  data_types: Record<string, string>;
  is_draft: boolean;
  is_published: boolean;
  created_at: string;
  updated_at: string;
  sampling: string;
  skip_queue: string;
  show_ground_truth_first: boolean;
  show_overlap_first: boolean;
  overlap_cohort_percentage: number;
  /** Always null: a secret in Label Studio. */
  task_data_login: null;
  /** Always null: a secret in Label Studio. */
  task_data_password: null;
  pinned_at: string | null;
  custom_task_lock_ttl: number | null;
  deleted_at: string | null;
  purge_at: string | null;
  search_vector: null;
  /** The team's integer alias. */
  organization: number;
  /** The creating member's integer alias (null for projects made before aliases existed). */
  created_by: number | null;
  deleted_by: number | null;
}

/** Label Studio 1.22's task object, every field. */
export interface LabelStudioTask {
  id: number;
  /** The document's JSON data object, with its text under `text` (the label config's `$text`). */
  data: Record<string, unknown>;
  meta: { key: string | null; name: string };
  created_at: string;
  updated_at: string;
  is_labeled: boolean;
  allow_skip: boolean;
  overlap: number;
  inner_id: number;
  total_annotations: number;
  cancelled_annotations: number;
  total_predictions: number;
  precomputed_agreement: number | null;
  comment_count: number;
  unresolved_comment_count: number;
  last_comment_updated_at: string | null;
  project: number;
  updated_by: number | null;
  file_upload: number | null;
  comment_authors: number[];
  /** labelhook's extension: the task was too large for the webhook's limit with these fields, left out of `data`. */
  content_omitted?: ('text' | 'data')[];
  /** With content_omitted: the API path that answers the document whole. */
  content_path?: string;
}

export interface LabelStudioResult {
  /** labelhook's label id: result ids are strings in Label Studio too. */
  id: string;
  from_name: string;
  to_name: string;
  type: 'labels' | 'choices';
  origin: 'manual' | 'prediction';
  value: { start: number; end: number; labels: string[] } | { choices: string[] };
  score?: number;
}

/** Label Studio 1.22's annotation object, every field; labelhook's string id is `unique_id`. */
export interface LabelStudioAnnotation {
  id: number;
  result: LabelStudioResult[];
  was_cancelled: boolean;
  ground_truth: boolean;
  created_at: string;
  updated_at: string;
  draft_created_at: string | null;
  lead_time: number | null;
  prediction: Record<string, unknown>;
  result_count: number;
  unique_id: string;
  import_id: number | null;
  last_action: string | null;
  bulk_created: boolean;
  task: number;
  project: number;
  completed_by: number;
  updated_by: number | null;
  parent_prediction: number | null;
  parent_annotation: number | null;
  last_created_by: number | null;
}

export type LabelStudioWebhookBody =
  | { action: 'PROJECT_CREATED' | 'PROJECT_UPDATED' | 'PROJECT_COMPLETED' | 'PROJECT_REVIEWED'; project: LabelStudioProject }
  | { action: 'PROJECT_DELETED'; project: { id: number } }
  | { action: 'TASKS_CREATED' | 'TASKS_EXCLUDED' | 'TASKS_UPDATED'; tasks: LabelStudioTask[]; project: LabelStudioProject; part?: LabelStudioPart }
  | { action: 'TASKS_DELETED'; tasks: { id: number }[]; project: LabelStudioProject; part?: LabelStudioPart }
  | { action: 'ANNOTATION_CREATED' | 'ANNOTATION_UPDATED'; annotation: LabelStudioAnnotation; project: LabelStudioProject; task: LabelStudioTask }
  | { action: 'ANNOTATIONS_CREATED'; annotation: LabelStudioAnnotation[]; project: LabelStudioProject; task: LabelStudioTask[]; part?: LabelStudioPart }
  | { action: 'ANNOTATIONS_DELETED'; annotations: { id: number }[]; project: LabelStudioProject; part?: LabelStudioPart }
  | {
      action: 'BEFORE_UPDATE_LABELS';
      labels: { to_upsert: LabelStudioResult[]; to_delete: LabelStudioResult[] };
      is_review_document: boolean;
      project: LabelStudioProject;
      task: LabelStudioTask;
    }
  | { action: 'TASK_COMPLETED' | 'TASK_REVIEWED'; task: LabelStudioTask; project: LabelStudioProject }
  | { action: 'PING'; message: string; webhook_id: string }
  | { action: 'EXPORT_COMPLETED'; export: ExportFileRef; project: LabelStudioProject }
  | { action: 'EXPORT_FAILED'; export: ExportFailureRef; project: LabelStudioProject }
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
  datasaur: DatasaurWebhookBody | DatasaurWebhookBody[] | DatasaurExportCallback;
  'label-studio': LabelStudioWebhookBody | LabelStudioWebhookBody[];
  labelator: LabelatorWebhookBody;
}
