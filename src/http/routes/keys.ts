import { createApiKeyFor, listApiKeys, revokeApiKey } from '../../domain/api-key-admin.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from '../pagination.js';

/** JSON schema of an API key as listed (the key itself is never listed). */
export const apiKeySchema = {
  type: 'object',
  required: ['id', 'prefix', 'name', 'member', 'createdAt', 'revokedAt'],
  properties: {
    id: { type: 'string' },
    prefix: { type: 'string', description: 'The first characters of the key, to recognise it.' },
    name: { type: 'string' },
    member: {
      type: 'object',
      required: ['id', 'email', 'name', 'role'],
      properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'labeler', 'reviewer'] } },
    },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

/** `GET/POST /api/v1/keys`, `DELETE /api/v1/keys/{id}`: the team's API keys (admins). */
export const keyRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/keys',
    {
      schema: {
        tags: ['keys'],
        summary: "List the team's API keys, revoked ones included (admins)",
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuerySchema } },
        response: { 200: pageSchema(apiKeySchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listApiKeys(ctx, principalOf(request), { limit: q.limit, afterId: decodeCursor(q.cursor) });
      return toPage(rows, q.limit, (r) => r.id, (r) => r);
    },
  );

  app.post(
    '/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Create an API key for a member of the team, the caller by default (admins); answers the key once',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            memberId: { type: 'string', minLength: 1, maxLength: 200 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: {
          201: {
            type: 'object',
            required: [...apiKeySchema.required, 'key'],
            properties: { ...apiKeySchema.properties, key: { type: 'string', description: 'The API key: shown only in this answer.' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { view, key } = await createApiKeyFor(ctx, principalOf(request), request.body ?? {});
      return reply.status(201).send({ ...view, key });
    },
  );

  app.delete(
    '/keys/:id',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key (admins); it stops working at once',
        params: idParams,
        response: { 200: apiKeySchema, ...errorResponses },
      },
    },
    async (request) => revokeApiKey(ctx, principalOf(request), request.params.id),
  );
};
