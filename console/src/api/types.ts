// Shapes of the labelhook REST API (docs/api.md) as the console reads them. Optional fields are ones
// the console can live without, so it keeps working while the API grows.
import type { LabelView } from '../../../sdk/event-types.ts';

export type Role = 'admin' | 'labeler' | 'reviewer';

export interface Me {
  member: { id: string; email: string; name: string; role: Role; instanceAdmin: boolean };
  team: { id: string; name: string };
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface LabelSetItem {
  id: string;
  label: string;
  color?: string | null;
}

export interface Project {
  id: string;
  name: string;
  tags: string[];
  labelSet: LabelSetItem[];
  status: 'CREATED' | 'IN_PROGRESS' | 'COMPLETED' | 'REVIEWED';
  documentCount?: number;
  labelCount?: number;
  createdAt: string;
  updatedAt?: string;
}

export interface DocumentItem {
  id: string;
  projectId: string;
  key: string | null;
  name: string;
  status: 'active' | 'excluded';
  labelCount?: number;
  /** Who marked the document complete (labeler mode) or reviewed (reviewer mode). */
  completions?: { memberId: string; mode: 'labeler' | 'reviewer'; completedAt: string }[];
  createdAt: string;
}

export interface EventItem {
  id: string;
  type: string;
  timestamp: string;
  project: { id: string; name: string } | null;
  actor: { id: string; email: string; name: string } | null;
  data: Record<string, unknown>;
}

export type WebhookFormat = 'standard' | 'datasaur' | 'label-studio' | 'labelator';

export interface BatchOptions {
  maxSize: number;
  maxWaitMs: number;
}

export interface Webhook {
  id: string;
  url: string;
  description: string;
  projectId: string | null;
  enabled: boolean;
  events: string[];
  format: WebhookFormat;
  headers: Record<string, string>;
  sendPayload: boolean;
  batch: BatchOptions | null;
  maxBodyBytes?: number;
  ordered: boolean;
  blocking: boolean;
  failMode: 'open' | 'closed';
  disabledReason?: string | null;
  /** Its stored secret or headers cannot be decrypted: it cannot sign until its secret is rotated. */
  secretUnreadable?: boolean;
  createdAt: string;
  updatedAt?: string;
}

/** What the create and edit forms send. */
export interface WebhookInput {
  url: string;
  description: string;
  projectId?: string | null;
  enabled: boolean;
  events: string[];
  format: WebhookFormat;
  headers?: Record<string, string>;
  sendPayload: boolean;
  batch: BatchOptions | null;
  maxBodyBytes: number;
  ordered: boolean;
  blocking: boolean;
  failMode: 'open' | 'closed';
  secret?: string;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'cancelled';

export interface Attempt {
  id?: string;
  /** Set on the answer of `POST /webhooks/{id}/test`: the delivery the test was logged as. */
  deliveryId?: string;
  attemptNo?: number;
  at: string | number;
  requestUrl?: string;
  requestHeaders: Record<string, string> | null;
  requestBody: string | null;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  outcome?: string;
}

export interface Delivery {
  id: string;
  webhookId: string;
  messageId?: string;
  eventType: string;
  eventIds?: string[];
  projectId?: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  itemCount?: number;
  nextAttemptAt?: string | number | null;
  lastStatus?: number | null;
  lastError?: string | null;
  payload?: string;
  createdAt: string | number;
  completedAt?: string | number | null;
  attempts?: Attempt[];
}

export interface SecretAnswer {
  secret: string;
  previousSecret?: string | null;
  previousSecretExpiresAt?: string | number | null;
}

export interface ReplayAnswer {
  count: number;
  dryRun?: boolean;
}

export interface StatsBucket {
  /** Bucket start, epoch ms. */
  t: number;
  succeeded: number;
  failed: number;
  retrying: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface DeliveryStats {
  window: 'hour' | 'day';
  bucketMs: number;
  from: number;
  to: number;
  buckets: StatsBucket[];
}

export interface WebhookHealth {
  webhookId: string;
  succeeded: number;
  failed: number;
  total: number;
  successRate: number | null;
}

export interface FormatSample {
  format: WebhookFormat;
  eventType: string;
  contentType?: string;
  body: string;
  headers?: Record<string, string>;
  batched?: boolean;
}

/** What the project form sends. */
export interface ProjectInput {
  name: string;
  tags: string[];
  labelSet: { id: string; label: string; color: string | null }[];
}

/** A document with its content, as `GET /documents/{id}` answers it. */
export interface FullDocument extends DocumentItem {
  text: string | null;
  data: unknown;
  updatedAt: string;
  completions: { memberId: string; mode: 'labeler' | 'reviewer'; completedAt: string }[];
}

export type LabelType = LabelView['type'];

/** A label in Datasaur's shape (`GET /documents/{id}/labels`): the SDK's label, with the origins the API sends. */
export interface Label extends Omit<LabelView, 'labeledBy'> {
  labeledBy: 'LABELER' | 'REVIEWER' | 'PREDICTION';
}

/** One label of a label update's `toUpsertList`: with `id` it changes that label, without it creates one. */
export interface LabelUpsert {
  id?: string;
  type?: LabelType;
  labelSetItemId?: string;
  startCharIndex?: number;
  endCharIndex?: number;
  labeledBy?: 'LABELER' | 'REVIEWER';
}

export type LabelMode = 'labeler' | 'reviewer';

/** A label update (`POST /documents/{id}/labels`). */
export interface LabelUpdate {
  toUpsertList?: LabelUpsert[];
  toDeleteList?: { id: string }[];
  mode: LabelMode;
}

export interface Member {
  id: string;
  teamId: string;
  email: string;
  name: string;
  role: Role;
  instanceAdmin: boolean;
  createdAt: string;
}

export interface ApiKeyItem {
  id: string;
  prefix: string;
  name: string;
  member: { id: string; email: string; name: string; role: Role };
  createdAt: string;
  revokedAt: string | null;
}
