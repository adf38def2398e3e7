import { createMember, listMembers, ROLES, toMemberView } from '../../domain/members.js';
import { teamOf } from '../../domain/permissions.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from '../pagination.js';

/** JSON schema of a member as the API shows it. */
export const memberSchema = {
  type: 'object',
  required: ['id', 'num', 'teamId', 'email', 'name', 'role', 'instanceAdmin', 'createdAt'],
  properties: {
    id: { type: 'string' },
    num: { type: 'integer', description: "Integer alias of id (the label-studio dialect's user id)" },
    teamId: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    instanceAdmin: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** JSON schema of `GET /me`: the caller's member record and team. */
export const meSchema = {
  type: 'object',
  required: ['member', 'team'],
  properties: {
    member: {
      type: 'object',
      required: ['id', 'email', 'name', 'role', 'instanceAdmin'],
      properties: {
        id: { type: 'string' },
        num: { type: 'integer' },
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string', enum: [...ROLES] },
        instanceAdmin: { type: 'boolean' },
      },
    },
    team: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, num: { type: 'integer' }, name: { type: 'string' } } },
  },
} as const;

/** `POST /api/v1/members`, `GET /api/v1/members` (admins) and `GET /api/v1/me` (anyone: who am I). */
export const memberRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/members',
    {
      schema: {
        tags: ['members'],
        summary: "Add a member to the caller's team (admins); answers the member's API key, shown once",
        body: {
          type: 'object',
          required: ['email', 'role'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', minLength: 3, maxLength: 320, pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$' },
            name: { type: 'string', maxLength: 200 },
            role: { type: 'string', enum: [...ROLES] },
          },
        },
        response: {
          201: {
            type: 'object',
            required: [...memberSchema.required, 'apiKey'],
            properties: { ...memberSchema.properties, apiKey: { type: 'string', description: 'Shown once; store it.' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { member, apiKey } = await createMember(ctx, principalOf(request), request.body);
      return reply.status(201).send({ ...member, apiKey });
    },
  );

  app.get(
    '/members',
    {
      schema: {
        tags: ['members'],
        summary: "List the caller's team's members (admins)",
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuerySchema } },
        response: { 200: pageSchema(memberSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listMembers(ctx, principalOf(request), { limit: q.limit, afterId: decodeCursor(q.cursor) });
      return toPage(rows, q.limit, (r) => r.id, toMemberView);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags: ['members'],
        summary: 'The caller: its member record and team',
        response: {
          200: meSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return {
        member: { id: p.memberId, num: p.memberNum, email: p.email, name: p.name, role: p.role, instanceAdmin: p.instanceAdmin },
        team: teamOf(p),
      };
    },
  );
};
