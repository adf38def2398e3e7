import { EVENT_TYPES } from '../../events/catalog.js';
import { FORMAT_NAMES, getFormat } from '../../webhooks/formats/registry.js';
import { sampleEvent } from '../../webhooks/admin/sample-events.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';

// Datasaur's own documentation uses this secret for its test vector; samples are illustrations, never real signatures.
const SAMPLE_SECRET = 'secret';

/** JSON schema of a format sample: one request as a webhook of that format would receive it. */
export const formatSampleSchema = {
  type: 'object',
  required: ['format', 'eventType', 'contentType', 'body', 'headers', 'batched'],
  properties: {
    format: { type: 'string' },
    eventType: { type: 'string' },
    contentType: { type: 'string' },
    body: { type: 'string', description: 'The request body exactly as sent (JSON text).' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Headers this format adds (signed with the sample secret "secret").' },
    batched: { type: 'boolean', description: 'True when the format batches by default, so the body holds a batch.' },
  },
} as const;

/** `GET /api/v1/formats/{format}/sample`: the body a receiver gets for a sample event, rendered by the real formatter. */
export const formatRoutes: RoutePlugin = async (app) => {
  app.get(
    '/formats/:format/sample',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'A sample request body (and format-specific headers) of one event type in one payload format',
        params: { type: 'object', required: ['format'], properties: { format: { type: 'string', enum: [...FORMAT_NAMES] } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            event: { type: 'string', enum: [...EVENT_TYPES], default: 'PROJECT_CREATED' },
            sendPayload: { type: 'boolean', default: true },
          },
        },
        response: {
          200: formatSampleSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      principalOf(request);
      const { format: name } = request.params;
      const q = request.query;
      const format = getFormat(name);
      const batched = format.defaultBatch !== undefined;
      const records = format.records(sampleEvent(q.event), { sendPayload: q.sendPayload });
      const body = format.render(records, q.event, batched);
      return { format: format.name, eventType: q.event, contentType: 'application/json', body, headers: format.headers(body, SAMPLE_SECRET), batched };
    },
  );
};
