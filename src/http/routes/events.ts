import { getEvent, listEvents } from '../../domain/event-log.js';
import { EVENT_TYPES } from '../../events/catalog.js';
import { parseCursor, parseSince } from '../../input-parsers.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { pageQuerySchema, pageSchema, toPage } from '../pagination.js';

/** JSON schema of the StoredEvent envelope; `data`, `project` and `actor` vary by type, so they pass through whole. */
export const eventSchema = {
  type: 'object',
  required: ['id', 'seq', 'type', 'timestamp', 'team', 'project', 'actor', 'data'],
  properties: {
    id: { type: 'string' },
    seq: { type: 'integer', description: 'Position in the log; ascending in commit order.' },
    type: { type: 'string', enum: [...EVENT_TYPES] },
    timestamp: { type: 'string', format: 'date-time' },
    team: { type: 'object', additionalProperties: true, properties: { id: { type: 'string' }, name: { type: 'string' } } },
    project: { type: ['object', 'null'], additionalProperties: true, properties: { id: { type: 'string' }, name: { type: 'string' } } },
    actor: { type: ['object', 'null'], additionalProperties: true, properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } } },
    data: { type: 'object', additionalProperties: true },
  },
} as const;

/** The event log: `GET /api/v1/events` and `GET /api/v1/events/{id}`, scoped to the caller's team. */
export const eventRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: "The team's event log, oldest first by default (resume with nextCursor); filter by type, projectId, since",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQuerySchema,
            type: { type: 'array', items: { type: 'string', enum: [...EVENT_TYPES] }, description: 'Repeat to match several types.' },
            projectId: { type: 'string', maxLength: 100 },
            since: { type: 'string', maxLength: 64, description: 'ISO 8601 time; events at or after it.' },
            order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
          },
        },
        response: { 200: pageSchema(eventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const cursor = parseCursor(q.cursor, 'seq');
      const events = await listEvents(ctx, principalOf(request), {
        types: q.type,
        projectId: q.projectId,
        since: q.since === undefined ? undefined : parseSince(q.since),
        order: q.order,
        limit: q.limit,
        afterSeq: cursor === undefined ? undefined : Number(cursor),
      });
      return toPage(events, q.limit, (e) => e.seq, (e) => e);
    },
  );

  app.get(
    '/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'Get one event',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } },
        response: { 200: eventSchema, ...errorResponses },
      },
    },
    async (request) => getEvent(ctx, principalOf(request), request.params.id),
  );
};
