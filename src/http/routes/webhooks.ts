import { EVENT_TYPES } from '../../events/catalog.js';
import { FORMAT_NAMES } from '../../webhooks/formats/registry.js';
import { BODY_LIMITS } from '../../webhooks/admin/body-limit.js';
import { listDeliveries } from '../../webhooks/admin/delivery-log.js';
import { testWebhook } from '../../webhooks/admin/manual-send.js';
import { replayDeliveries } from '../../webhooks/admin/replay.js';
import { MAX_CUSTOM_HEADERS } from '../../webhooks/admin/header-rules.js';
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  readSecret,
  readWebhook,
  rotateSecret,
  updateWebhook,
} from '../../webhooks/admin/webhook-admin.js';
import { BATCH_LIMITS } from '../../webhooks/admin/webhook-validation.js';
import { toDeliveryView } from '../../webhooks/admin/webhook-views.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from '../pagination.js';
import { attemptSchema, deliverySchema } from './deliveries.js';

const batchSchema = {
  type: ['object', 'null'],
  required: ['maxSize', 'maxWaitMs'],
  additionalProperties: false,
  properties: {
    maxSize: { type: 'integer', minimum: 1, maximum: BATCH_LIMITS.maxSize },
    maxWaitMs: { type: 'integer', minimum: 0, maximum: BATCH_LIMITS.maxWaitMs },
  },
} as const;

// Bounds are checked by validateMaxBodyBytes, not the schema, so a bad value answers `invalid_max_body_bytes` with them.
const maxBodyBytesSchema = {
  type: 'integer',
  description: `Largest request body sent to this webhook, in bytes (${BODY_LIMITS.min} to ${BODY_LIMITS.max}; default ${BODY_LIMITS.default}). List events go out in parts that fit.`,
} as const;

/** JSON schema of a webhook as the API shows it (never its secret; custom header values redacted). */
export const webhookSchema = {
  type: 'object',
  required: ['id', 'projectId', 'url', 'description', 'enabled', 'events', 'format', 'headers', 'sendPayload', 'batch', 'maxBodyBytes', 'ordered', 'blocking', 'failMode', 'disabledReason', 'failingSince', 'previousSecretExpiresAt', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    projectId: { type: ['string', 'null'], description: 'null: every project of the team' },
    url: { type: 'string' },
    description: { type: 'string' },
    enabled: { type: 'boolean' },
    events: { type: 'array', items: { type: 'string' } },
    format: { type: 'string', enum: [...FORMAT_NAMES] },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Custom header names; values are never shown.' },
    sendPayload: { type: 'boolean' },
    batch: batchSchema,
    maxBodyBytes: maxBodyBytesSchema,
    ordered: { type: 'boolean' },
    blocking: { type: 'boolean' },
    failMode: { type: 'string', enum: ['open', 'closed'] },
    disabledReason: { type: ['string', 'null'] },
    failingSince: { type: ['string', 'null'], format: 'date-time' },
    previousSecretExpiresAt: { type: ['string', 'null'], format: 'date-time' },
    secretUnreadable: { type: 'boolean', description: 'The stored secret or custom headers cannot be decrypted; rotate the secret to repair it.' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const secretSchema = {
  type: 'object',
  required: ['secret', 'previousSecret', 'previousSecretExpiresAt'],
  properties: {
    secret: { type: 'string' },
    previousSecret: { type: ['string', 'null'] },
    previousSecretExpiresAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const inputProperties = {
  url: { type: 'string', minLength: 1, maxLength: 2048 },
  projectId: {
    type: ['string', 'integer', 'null'],
    maxLength: 100,
    minimum: 1,
    description: "A project's id or integer alias (num); null: every project of the team",
  },
  events: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', maxLength: 100 }, description: `["*"] or some of: ${EVENT_TYPES.join(', ')}` },
  format: { type: 'string', maxLength: 50 },
  headers: { type: 'object', maxProperties: MAX_CUSTOM_HEADERS + 1, additionalProperties: { type: 'string' } },
  sendPayload: { type: 'boolean' },
  batch: batchSchema,
  maxBodyBytes: maxBodyBytesSchema,
  ordered: { type: 'boolean' },
  blocking: { type: 'boolean' },
  failMode: { type: 'string', enum: ['open', 'closed'] },
  description: { type: 'string', maxLength: 1000 },
  enabled: { type: 'boolean' },
} as const;

/** JSON schema of a new webhook (`POST /webhooks`). */
export const webhookInputSchema = {
  type: 'object',
  required: ['url', 'events'],
  additionalProperties: false,
  properties: { ...inputProperties, secret: { type: 'string', maxLength: 512, description: 'Generated (whsec_...) when omitted' } },
} as const;

/** JSON schema of a test send: the attempt, logged as delivery `deliveryId`. */
export const testAnswerSchema = { type: 'object', required: ['deliveryId', 'ok', ...attemptSchema.required], properties: { deliveryId: { type: 'string' }, ok: { type: 'boolean' }, ...attemptSchema.properties } } as const;

/** JSON schema of a replay answer: how many deliveries were (or, dry run, would be) queued. */
export const replayAnswerSchema = { type: 'object', required: ['count', 'dryRun'], properties: { count: { type: 'integer' }, dryRun: { type: 'boolean' } } } as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;
const tags = ['webhooks'];

/** Webhook endpoints (docs/webhooks.md): CRUD, secrets, test, delivery log and replay. Admins only. */
export const webhookRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'Register a webhook; answers it with its signing secret',
        body: webhookInputSchema,
        response: {
          201: { type: 'object', required: [...webhookSchema.required, 'secret'], properties: { ...webhookSchema.properties, secret: { type: 'string' } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await createWebhook(ctx, principalOf(request), request.body)),
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        summary: "List the team's webhooks",
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuerySchema, projectId: { type: 'string', maxLength: 100 } } },
        response: { 200: pageSchema(webhookSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listWebhooks(ctx, principalOf(request), {
        limit: q.limit,
        ...(q.cursor ? { afterId: decodeCursor(q.cursor)! } : {}),
        ...(q.projectId ? { projectId: q.projectId } : {}),
      });
      return toPage(rows, q.limit, (r) => r.id, (r) => r);
    },
  );

  app.get(
    '/webhooks/:id',
    { schema: { tags, summary: 'Read a webhook', params: idParams, response: { 200: webhookSchema, ...errorResponses } } },
    async (request) => readWebhook(ctx, principalOf(request), request.params.id),
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook (re-enabling one that labelhook disabled resumes its deliveries)',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: inputProperties },
        response: { 200: webhookSchema, ...errorResponses },
      },
    },
    async (request) => updateWebhook(ctx, principalOf(request), request.params.id, request.body),
  );

  app.delete(
    '/webhooks/:id',
    { schema: { tags, summary: 'Delete a webhook and its delivery log', params: idParams, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply) => {
      await deleteWebhook(ctx, principalOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/webhooks/:id/secret',
    { schema: { tags, summary: 'Read the signing secret (and the previous one during a rotation overlap)', params: idParams, response: { 200: secretSchema, ...errorResponses } } },
    async (request) => readSecret(ctx, principalOf(request), request.params.id),
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'Rotate the signing secret; the old one keeps signing during the overlap window',
        params: idParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { secret: { type: 'string', maxLength: 512 } } },
        response: { 200: secretSchema, ...errorResponses },
      },
    },
    async (request) => rotateSecret(ctx, principalOf(request), request.params.id, request.body ?? {}),
  );

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags,
        summary: 'Send a PING now and answer the attempt',
        params: idParams,
        body: { type: ['object', 'null'] },
        response: {
          200: testAnswerSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => testWebhook(ctx, principalOf(request), request.params.id),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: "The webhook's delivery log, newest first",
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQuerySchema,
            status: { type: 'string', enum: ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'] },
            eventType: { type: 'string', maxLength: 100 },
            since: { type: 'string', maxLength: 40, description: 'ISO 8601: deliveries created at or after it' },
          },
        },
        response: { 200: pageSchema(deliverySchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listDeliveries(ctx, principalOf(request), request.params.id, {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.eventType ? { eventType: q.eventType } : {}),
        ...(q.since ? { since: q.since } : {}),
        ...(q.cursor ? { beforeId: decodeCursor(q.cursor)! } : {}),
      });
      return toPage(rows, q.limit, (r) => r.id, toDeliveryView);
    },
  );

  app.post(
    '/webhooks/:id/replay',
    {
      schema: {
        tags,
        summary: 'Re-queue finished deliveries since a time (only failed ones with onlyFailed); dryRun only counts',
        params: idParams,
        body: {
          type: 'object',
          required: ['since'],
          additionalProperties: false,
          properties: { since: { type: 'string', maxLength: 40 }, onlyFailed: { type: 'boolean' }, dryRun: { type: 'boolean' } },
        },
        response: { 200: replayAnswerSchema, ...errorResponses },
      },
    },
    async (request) => replayDeliveries(ctx, principalOf(request), request.params.id, request.body),
  );
};
