import { createTeam } from '../../domain/teams.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { memberSchema } from './members.js';

/** `POST /api/v1/teams` (instance admin only). */
export const teamRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/teams',
    {
      schema: {
        tags: ['teams'],
        summary: 'Create a team and its first admin (instance admin only); answers an admin API key, shown once',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            adminEmail: { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' },
            adminName: { type: 'string', maxLength: 200 },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['id', 'num', 'name', 'apiKey', 'createdAt', 'admin'],
            properties: {
              id: { type: 'string' },
              num: { type: 'integer', description: "Integer alias of id (the label-studio dialect's organization)" },
              name: { type: 'string' },
              apiKey: { type: 'string', description: 'An admin key of the new team; store it, it is not shown again.' },
              createdAt: { type: 'string', format: 'date-time' },
              admin: memberSchema,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const team = await createTeam(ctx, principalOf(request), request.body);
      return reply.status(201).send(team);
    },
  );
};
