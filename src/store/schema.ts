import type { Generated } from 'kysely';

// Times are epoch milliseconds (bigint), booleans are 0/1 and JSON is text, so one schema
// reads the same on SQLite and PostgreSQL.

export interface TeamTable {
  id: string;
  /** Integer alias of `id` (migration 008): assigned on insert, unique, never reused. */
  num: Generated<number>;
  name: string;
  created_at: number;
}

export interface MemberTable {
  id: string;
  /** Integer alias of `id` (migration 008): assigned on insert, unique, never reused. */
  num: Generated<number>;
  team_id: string;
  email: string;
  name: string;
  role: 'admin' | 'labeler' | 'reviewer';
  /** 1 for the bootstrap admin, who may create teams. */
  instance_admin: number;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  team_id: string;
  member_id: string;
  /** SHA-256 hex of the key; the key itself is shown once and never stored. */
  key_hash: string;
  /** First characters of the key, to recognise it in lists. */
  prefix: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
}

export interface ProjectTable {
  id: string;
  /** Integer alias of `id` (migration 008): assigned on insert, unique, never reused. */
  num: Generated<number>;
  team_id: string;
  name: string;
  /** JSON array of strings. */
  tags: string;
  /** JSON array of {id, label, color}. */
  label_set: string;
  status: 'CREATED' | 'IN_PROGRESS' | 'COMPLETED' | 'REVIEWED';
  created_at: number;
  /** `num` of the member who created the project; null for projects made before migration 008. */
  created_by_num: number | null;
  updated_at: number;
  /** JSON {on, format, status} of the auto-export setting, or null (migration 010). */
  auto_export: Generated<string | null>;
}

export interface DocumentTable {
  id: string;
  /** Integer alias of `id` (migration 008): assigned on insert, unique, never reused. */
  num: Generated<number>;
  team_id: string;
  project_id: string;
  key: string | null;
  name: string;
  text: string | null;
  /** JSON value or null. */
  data: string | null;
  status: 'active' | 'excluded';
  created_at: number;
  updated_at: number;
}

export interface CompletionTable {
  id: string;
  team_id: string;
  project_id: string;
  /** null when the whole project was completed. */
  document_id: string | null;
  member_id: string;
  mode: 'labeler' | 'reviewer';
  created_at: number;
}

export interface AnnotationTable {
  id: string;
  /** Integer alias of `id` (migration 008): assigned on insert, unique, never reused. */
  num: Generated<number>;
  team_id: string;
  project_id: string;
  document_id: string;
  member_id: string;
  created_at: number;
  updated_at: number;
}

export interface LabelTable {
  id: string;
  team_id: string;
  project_id: string;
  document_id: string;
  annotation_id: string;
  type: 'SPAN' | 'ROW' | 'DOCUMENT';
  start_cell_index: number;
  start_cell_line: number;
  start_token_index: number;
  start_char_index: number;
  end_cell_index: number;
  end_cell_line: number;
  end_token_index: number;
  end_char_index: number;
  counter: number;
  layer: number;
  labeled_by: 'LABELER' | 'REVIEWER' | 'PREDICTION';
  label_set_item_id: string;
  confidence_score: number | null;
  labeled_by_user_id: string;
  created_at: number;
  updated_at: number;
}

export interface EventTable {
  /** Commit-order-ish sequence; fan-out order within a (webhook, project) line. */
  seq: Generated<number>;
  id: string;
  team_id: string;
  project_id: string | null;
  type: string;
  /** JSON {id, email, name} of the member who caused it, or null for the system. */
  actor: string | null;
  /** The whole event envelope as JSON (id, type, timestamp, team, project, actor, data): read back without joins. */
  data: string;
  created_at: number;
  /** Set once the dispatcher has fanned the event out to webhooks. */
  dispatched_at: number | null;
}

export interface WebhookTable {
  id: string;
  team_id: string;
  project_id: string | null;
  url: string;
  description: string;
  enabled: number;
  /** JSON array of event types, or ["*"]. */
  events: string;
  format: 'standard' | 'datasaur' | 'label-studio' | 'labelator';
  /** Encrypted JSON object of custom headers. */
  headers_enc: string | null;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: number | null;
  send_payload: number;
  /** JSON {maxSize, maxWaitMs} or null. */
  batch: string | null;
  ordered: number;
  blocking: number;
  fail_mode: 'open' | 'closed';
  /** Why the webhook was disabled by labelhook (410, auto-disable), null otherwise. */
  disabled_reason: string | null;
  /** Start of the current run of failed attempts, for auto-disable. */
  failing_since: number | null;
  /** 1 for a temporary subscription such as `labelhook listen`. */
  ephemeral: number;
  created_at: number;
  updated_at: number;
  /** Largest request body a delivery may carry; list events go out in parts that fit (migration 007). */
  max_body_bytes: number;
}

export interface DeliveryTable {
  id: string;
  /** Sent as `webhook-id`; the same on every retry and redelivery. */
  message_id: string;
  team_id: string;
  webhook_id: string;
  project_id: string | null;
  event_type: string;
  /** JSON array of event ids carried by this delivery (more than one when batched). */
  event_ids: string;
  /** Smallest event seq in the delivery: the ordering key of ordered webhooks. */
  event_seq: number;
  /** The rendered request body (stable across retries). */
  payload: string;
  item_count: number;
  /** 1 while a batch still accepts records. */
  batch_open: number;
  status: 'pending' | 'delivering' | 'succeeded' | 'failed' | 'cancelled';
  attempt_count: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  /** JSON array of the records of a batch still open (batch_open = 1), null otherwise (migration 003). */
  batch_records: string | null;
  /** attempt_count when the current retry schedule started: replay and redelivery start a fresh one (migration 003). */
  schedule_start: number;
}

export interface AttemptTable {
  id: string;
  team_id: string;
  delivery_id: string;
  webhook_id: string;
  attempt_no: number;
  at: number;
  request_url: string;
  /** JSON object. */
  request_headers: string;
  request_body: string | null;
  response_status: number | null;
  /** JSON object or null. */
  response_headers: string | null;
  response_body: string | null;
  duration_ms: number;
  error: string | null;
  outcome: 'ok' | 'retryable' | 'permanent';
}

/** A live delivery worker on PostgreSQL (migration 009); times are the database's clock, epoch ms. */
export interface WorkerTable {
  /** The worker's lease owner id. */
  id: string;
  started_at: number;
  last_beat_at: number;
}

/** An export file made in the background (migration 010). */
export interface ExportJobTable {
  id: string;
  team_id: string;
  project_id: string;
  format: 'jsonl' | 'label-studio' | 'conll' | 'csv';
  /** Which documents: all, completed or reviewed. */
  status_filter: 'all' | 'completed' | 'reviewed';
  /** Only documents changed at or after this epoch ms; null for all. */
  since: number | null;
  /** `api` (POST /exports) or the event type that started an auto-export. */
  trigger: string;
  /** The member who asked, null for an auto-export. */
  requested_by: string | null;
  state: 'queued' | 'running' | 'completed' | 'failed';
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  /** The file's name inside the export folder, once written. */
  file_name: string | null;
  byte_size: number | null;
  document_count: number | null;
  label_count: number | null;
  sha256: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  /** When the file was removed by pruning. */
  pruned_at: number | null;
}

export interface DatabaseSchema {
  teams: TeamTable;
  members: MemberTable;
  api_keys: ApiKeyTable;
  projects: ProjectTable;
  documents: DocumentTable;
  completions: CompletionTable;
  annotations: AnnotationTable;
  labels: LabelTable;
  events: EventTable;
  webhooks: WebhookTable;
  deliveries: DeliveryTable;
  attempts: AttemptTable;
  workers: WorkerTable;
  export_jobs: ExportJobTable;
}
