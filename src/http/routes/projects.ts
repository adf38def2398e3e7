import { PROJECT_STATUSES } from '../../../sdk/event-types.js';
import { completeProject } from '../../domain/project-completion.js';
import { createProject, deleteProject, listProjects, readProject, updateProject } from '../../domain/projects.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from '../pagination.js';

const labelSetItemSchema = {
  type: 'object',
  required: ['id', 'label', 'color'],
  properties: { id: { type: 'string' }, label: { type: 'string' }, color: { type: ['string', 'null'] } },
} as const;

/** JSON schema of a project as events carry it (ProjectRef). */
export const projectRefSchema = {
  type: 'object',
  required: ['id', 'num', 'name', 'tags', 'status', 'labelSet', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    num: { type: 'integer', description: 'Integer alias of id: accepted wherever id is (the label-studio dialect sends it as the id).' },
    createdByNum: { type: ['integer', 'null'], description: 'num of the member who created the project (null when not known)' },
    name: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: [...PROJECT_STATUSES] },
    labelSet: { type: 'array', items: labelSetItemSchema },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** A project's auto-export setting (docs/export.md); format and status are checked by the domain (422 listing the valid ones). */
const autoExportSchema = {
  type: ['object', 'null'],
  required: ['on', 'format'],
  additionalProperties: false,
  properties: {
    on: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string', enum: ['PROJECT_COMPLETED', 'PROJECT_REVIEWED'] } },
    format: { type: 'string', maxLength: 50 },
    status: { type: 'string', maxLength: 50 },
  },
} as const;

/** JSON schema of a project as the API answers it: ProjectRef plus counts. */
export const projectSchema = {
  type: 'object',
  required: [...projectRefSchema.required, 'documentCount', 'labelCount'],
  properties: { ...projectRefSchema.properties, documentCount: { type: 'integer' }, labelCount: { type: 'integer' }, autoExport: autoExportSchema },
} as const;

const labelSetInputSchema = {
  type: 'array',
  maxItems: 1000,
  items: {
    type: 'object',
    required: ['id', 'label'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 200 },
      label: { type: 'string', minLength: 1, maxLength: 500 },
      color: { type: ['string', 'null'], maxLength: 50 },
    },
  },
} as const;

const projectFields = {
  name: { type: 'string', minLength: 1, maxLength: 500 },
  tags: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 100 } },
  labelSet: labelSetInputSchema,
} as const;

/** JSON schema of a new project (`POST /projects`). */
export const projectInputSchema = { type: 'object', required: ['name'], additionalProperties: false, properties: projectFields } as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 100, description: "The project's id or its integer alias (num)" } },
} as const;

/** Project CRUD and project completion under `/api/v1/projects`. */
export const projectRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Create a project (admins); emits PROJECT_CREATED',
        body: projectInputSchema,
        response: { 201: projectSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const project = await createProject(ctx, principalOf(request), request.body);
      return reply.status(201).send(project);
    },
  );

  app.get(
    '/projects',
    {
      schema: {
        tags: ['projects'],
        summary: "List the team's projects in creation order, with document and label counts",
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuerySchema } },
        response: { 200: pageSchema(projectSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listProjects(ctx, principalOf(request), { limit: q.limit, afterId: decodeCursor(q.cursor) });
      return toPage(rows, q.limit, (r) => r.id, (r) => r);
    },
  );

  app.get(
    '/projects/:id',
    {
      schema: { tags: ['projects'], summary: 'Get a project', params: idParams, response: { 200: projectSchema, ...errorResponses } },
    },
    async (request) => readProject(ctx, principalOf(request), request.params.id),
  );

  app.patch(
    '/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Change name, tags or label set (admins); emits PROJECT_UPDATED with the before values, only when something changed',
        params: idParams,
        body: { type: 'object', minProperties: 1, additionalProperties: false, properties: { ...projectFields, autoExport: autoExportSchema } },
        response: { 200: projectSchema, ...errorResponses },
      },
    },
    async (request) => updateProject(ctx, principalOf(request), request.params.id, request.body),
  );

  app.delete(
    '/projects/:id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Delete a project with its documents and labels (admins); emits PROJECT_DELETED',
        params: idParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await deleteProject(ctx, principalOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/projects/:id/complete',
    {
      schema: {
        tags: ['projects'],
        summary:
          'Mark the project complete: labeler mode (labeler or admin; from CREATED/IN_PROGRESS to COMPLETED, PROJECT_COMPLETED) or reviewer mode (reviewer or admin; from COMPLETED to REVIEWED, PROJECT_REVIEWED)',
        params: idParams,
        body: {
          type: 'object',
          required: ['mode'],
          additionalProperties: false,
          properties: { mode: { type: 'string', enum: ['labeler', 'reviewer'] } },
        },
        response: { 200: projectSchema, ...errorResponses },
      },
    },
    async (request) =>
      completeProject(ctx, principalOf(request), request.params.id, request.body.mode),
  );
};
