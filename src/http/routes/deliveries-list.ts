import { EVENT_TYPES } from '../../events/catalog.js';
import { listTeamDeliveries } from '../../webhooks/admin/team-deliveries.js';
import { toDeliveryView } from '../../webhooks/admin/webhook-views.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from '../pagination.js';

const deliveryItemSchema = { type: 'object', additionalProperties: true, properties: { id: { type: 'string' } } } as const;

/** `GET /api/v1/deliveries`: the delivery log across every webhook of the team. */
export const deliveriesListRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: "The team's delivery log across all webhooks, newest first; filter by status, eventType, since, webhookId (admins)",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQuerySchema,
            status: { type: 'string', enum: ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'] },
            eventType: { type: 'string', enum: [...EVENT_TYPES] },
            since: { type: 'string', maxLength: 64, description: 'ISO 8601 time; deliveries created at or after it.' },
            webhookId: { type: 'string', maxLength: 100 },
          },
        },
        response: { 200: pageSchema(deliveryItemSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listTeamDeliveries(ctx, principalOf(request), { ...q, beforeId: decodeCursor(q.cursor) });
      return toPage(rows, q.limit, (r) => r.id, toDeliveryView);
    },
  );
};
