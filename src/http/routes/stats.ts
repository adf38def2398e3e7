import { deliveryStats, webhookHealth } from '../../webhooks/admin/delivery-stats.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';

const bucketSchema = {
  type: 'object',
  required: ['t', 'succeeded', 'failed', 'retrying', 'p50Ms', 'p99Ms'],
  properties: {
    t: { type: 'integer', description: 'Bucket start, epoch milliseconds.' },
    succeeded: { type: 'integer' },
    failed: { type: 'integer', description: 'Failed attempts after which the delivery gave up.' },
    retrying: { type: 'integer', description: 'Failed attempts that are retried.' },
    p50Ms: { type: ['number', 'null'] },
    p99Ms: { type: ['number', 'null'] },
  },
} as const;

/** JSON schema of `GET /stats/deliveries`: attempt counts and latency per bucket. */
export const deliveryStatsSchema = {
  type: 'object',
  required: ['window', 'bucketMs', 'from', 'to', 'webhookId', 'buckets'],
  properties: {
    window: { type: 'string', enum: ['hour', 'day'] },
    bucketMs: { type: 'integer' },
    from: { type: 'integer' },
    to: { type: 'integer' },
    webhookId: { type: ['string', 'null'] },
    buckets: { type: 'array', items: bucketSchema },
  },
} as const;

/** JSON schema of one webhook's attempts over the last 24 hours. */
export const webhookHealthSchema = {
  type: 'object',
  required: ['webhookId', 'succeeded', 'failed', 'total', 'successRate'],
  properties: {
    webhookId: { type: 'string' },
    succeeded: { type: 'integer' },
    failed: { type: 'integer' },
    total: { type: 'integer' },
    successRate: { type: ['number', 'null'] },
  },
} as const;

/** Aggregates for the console's charts, computed server-side from the attempt log. */
export const statsRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/stats/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Attempts per minute (hour) or per 15 minutes (day) by outcome, with latency p50/p99; one webhook or the team (admins)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { window: { type: 'string', enum: ['hour', 'day'], default: 'hour' }, webhookId: { type: 'string', maxLength: 100 } },
        },
        response: {
          200: deliveryStatsSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return deliveryStats(ctx, principalOf(request), q);
    },
  );

  app.get(
    '/stats/webhooks',
    {
      schema: {
        tags: ['deliveries'],
        summary: "Each webhook's attempts over the last 24 hours and the share that succeeded (admins)",
        response: {
          200: {
            type: 'object',
            required: ['data'],
            properties: {
              data: {
                type: 'array',
                items: webhookHealthSchema,
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ data: await webhookHealth(ctx, principalOf(request)) }),
  );
};
