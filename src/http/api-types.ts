// The API's shapes as TypeScript types, derived from the route schemas (the one definition; the OpenAPI document
// is generated from the same schemas). The console imports these types, never the schemas' values.
import type { Actor, ProjectRef, TeamRef } from '../../sdk/event-types.js';
import type { FromSchema } from './from-schema.js';
import type { Page as PageOf } from './pagination.js';
import type { attemptSchema, deliveryDetailSchema, deliverySchema } from './routes/deliveries.js';
import type { documentSchema } from './routes/documents.js';
import type { eventSchema } from './routes/events.js';
import type { exportJobSchema } from './routes/export.js';
import type { formatSampleSchema } from './routes/formats.js';
import type { apiKeySchema } from './routes/keys.js';
import type { labelInputSchema, labelSchema, labelUpdateSchema } from './routes/labels.js';
import type { memberSchema, meSchema } from './routes/members.js';
import type { projectInputSchema, projectSchema } from './routes/projects.js';
import type { deliveryStatsSchema, webhookHealthSchema } from './routes/stats.js';
import type { replayAnswerSchema, secretSchema, testAnswerSchema, webhookInputSchema, webhookSchema } from './routes/webhooks.js';

/** A list answer: `{data, nextCursor}`. */
export type Page<T> = PageOf<T>;

export type Me = FromSchema<typeof meSchema>;
export type Member = FromSchema<typeof memberSchema>;
export type Role = Member['role'];
export type ApiKeyItem = FromSchema<typeof apiKeySchema>;

export type Project = FromSchema<typeof projectSchema>;
export type LabelSetItem = Project['labelSet'][number];
/** What `POST /projects` takes (and `PATCH` a part of). */
export type ProjectInput = FromSchema<typeof projectInputSchema>;

export type DocumentItem = FromSchema<typeof documentSchema>;
export type Label = FromSchema<typeof labelSchema>;
export type LabelType = Label['type'];
export type LabelUpsert = FromSchema<typeof labelInputSchema>;
export type LabelUpdate = FromSchema<typeof labelUpdateSchema>;
export type LabelMode = NonNullable<LabelUpdate['mode']>;

/** An event; its schema passes team, project and actor through whole, so their shapes come from the SDK's event model. */
export type EventItem = Omit<FromSchema<typeof eventSchema>, 'team' | 'project' | 'actor'> & { team: TeamRef; project: ProjectRef | null; actor: Actor | null };
export type ExportJob = FromSchema<typeof exportJobSchema>;

export type Webhook = FromSchema<typeof webhookSchema>;
export type WebhookFormat = Webhook['format'];
export type BatchOptions = NonNullable<Webhook['batch']>;
/** What `POST /webhooks` takes. */
export type WebhookInput = FromSchema<typeof webhookInputSchema>;
export type SecretAnswer = FromSchema<typeof secretSchema>;
export type TestAnswer = FromSchema<typeof testAnswerSchema>;
export type ReplayAnswer = FromSchema<typeof replayAnswerSchema>;

export type Delivery = FromSchema<typeof deliverySchema>;
export type DeliveryStatus = Delivery['status'];
export type DeliveryDetail = FromSchema<typeof deliveryDetailSchema>;
export type Attempt = FromSchema<typeof attemptSchema>;

export type DeliveryStats = FromSchema<typeof deliveryStatsSchema>;
export type StatsBucket = DeliveryStats['buckets'][number];
export type WebhookHealth = FromSchema<typeof webhookHealthSchema>;
export type FormatSample = FromSchema<typeof formatSampleSchema>;
