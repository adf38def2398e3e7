import { readDelivery } from '../../webhooks/admin/delivery-log.js';
import { redeliver } from '../../webhooks/admin/manual-send.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';

/** JSON schema of a delivery in the log. */
export const deliverySchema = {
  type: 'object',
  required: ['id', 'messageId', 'webhookId', 'projectId', 'eventType', 'eventIds', 'itemCount', 'status', 'attemptCount', 'nextAttemptAt', 'lastStatus', 'lastError', 'createdAt', 'updatedAt', 'completedAt'],
  properties: {
    id: { type: 'string' },
    messageId: { type: 'string', description: 'Sent as webhook-id; the same on every retry and redelivery' },
    webhookId: { type: 'string' },
    projectId: { type: ['string', 'null'] },
    eventType: { type: 'string' },
    eventIds: { type: 'array', items: { type: 'string' } },
    itemCount: { type: 'integer' },
    status: { type: 'string', enum: ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'] },
    attemptCount: { type: 'integer' },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    lastStatus: { type: ['integer', 'null'] },
    lastError: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    completedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** JSON schema of one attempt: the request as sent (custom header values redacted) and the response as received. */
export const attemptSchema = {
  type: 'object',
  required: ['id', 'attemptNo', 'at', 'requestUrl', 'requestHeaders', 'requestBody', 'responseStatus', 'responseHeaders', 'responseBody', 'durationMs', 'error', 'outcome'],
  properties: {
    id: { type: 'string' },
    attemptNo: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    requestUrl: { type: 'string' },
    requestHeaders: stringMap,
    requestBody: { type: ['string', 'null'] },
    responseStatus: { type: ['integer', 'null'] },
    responseHeaders: { anyOf: [stringMap, { type: 'null' }] },
    responseBody: { type: ['string', 'null'], description: 'Truncated to the configured cap' },
    durationMs: { type: 'integer' },
    error: { type: ['string', 'null'] },
    outcome: { type: 'string', enum: ['ok', 'retryable', 'permanent'] },
  },
} as const;

/** JSON schema of one delivery with its body and every attempt. */
export const deliveryDetailSchema = {
  type: 'object',
  required: [...deliverySchema.required, 'payload', 'attempts'],
  properties: { ...deliverySchema.properties, payload: { type: 'string' }, attempts: { type: 'array', items: attemptSchema } },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;

/** `GET /deliveries/{id}` (with every attempt) and `POST /deliveries/{id}/redeliver`. Admins only. */
export const deliveryRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/deliveries/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'A delivery with its body and every attempt',
        params: idParams,
        response: {
          200: deliveryDetailSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => readDelivery(ctx, principalOf(request), request.params.id),
  );

  app.post(
    '/deliveries/:id/redeliver',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a delivery again now, with the same body and webhook-id',
        params: idParams,
        body: { type: ['object', 'null'] },
        response: {
          200: { type: 'object', required: ['delivery', 'attempt'], properties: { delivery: deliverySchema, attempt: attemptSchema } },
          ...errorResponses,
        },
      },
    },
    async (request) => redeliver(ctx, principalOf(request), request.params.id),
  );
};
