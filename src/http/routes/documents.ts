import { completeDocument } from '../../domain/document-completion.js';
import { importDocuments, MAX_IMPORT_DOCUMENTS } from '../../domain/document-import.js';
import { deleteDocuments, excludeDocuments } from '../../domain/document-removal.js';
import { getDocument, listDocuments } from '../../domain/documents.js';
import { CHUNK_SIZE } from '../../domain/chunked.js';
import { principalOf } from '../auth.js';
import { jsonStreamWithList } from '../json-stream.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from '../pagination.js';

const nullableString = { type: ['string', 'null'] } as const;

/** A document as every document route answers it. */
export const documentSchema = {
  type: 'object',
  required: ['id', 'num', 'projectId', 'key', 'name', 'text', 'data', 'status', 'createdAt', 'updatedAt', 'completions'],
  properties: {
    id: { type: 'string' },
    num: { type: 'integer', description: 'Integer alias of id: accepted wherever id is (the label-studio dialect sends it as the id).' },
    projectId: { type: 'string' },
    key: nullableString,
    name: { type: 'string' },
    text: nullableString,
    data: { description: 'Any JSON value given at import, or null.' },
    status: { type: 'string', enum: ['active', 'excluded'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    completions: {
      type: 'array',
      description: 'Who marked the document complete (labeler mode) or reviewed (reviewer mode).',
      items: {
        type: 'object',
        required: ['memberId', 'mode', 'completedAt'],
        properties: { memberId: { type: 'string' }, mode: { type: 'string', enum: ['labeler', 'reviewer'] }, completedAt: { type: 'string' } },
      },
    },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, description: 'An id or its integer alias (num)' } },
} as const;
const idsBody = {
  type: 'object',
  required: ['ids'],
  additionalProperties: false,
  properties: {
    ids: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_IMPORT_DOCUMENTS,
      items: { type: 'string', minLength: 1, maxLength: 200, description: 'A document id or its integer alias (num) as a string' },
    },
  },
} as const;
const modeBody = {
  type: 'object',
  required: ['mode'],
  additionalProperties: false,
  properties: { mode: { type: 'string', enum: ['labeler', 'reviewer'] } },
} as const;

/** Documents: bulk import, list, read, delete, exclude, and completion per document. */
export const documentRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/projects/:id/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'Import documents (bulk, one TASKS_CREATED event per import, TASKS_UPDATED for documents it overwrites; admins)',
        params: idParams,
        body: {
          type: 'object',
          required: ['documents'],
          additionalProperties: false,
          properties: {
            documents: {
              type: 'array',
              // The 0 and too-many cases are checked by the domain, for their own error codes.
              items: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  key: { type: ['string', 'null'], minLength: 1, maxLength: 1000, description: 'Your id for the document; unique within the project.' },
                  name: { type: ['string', 'null'], minLength: 1, maxLength: 1000 },
                  text: nullableString,
                  data: { description: 'Any JSON value (e.g. the row of a table).' },
                },
              },
            },
            onDuplicateKey: {
              type: 'string',
              enum: ['fail', 'overwrite'],
              default: 'fail',
              description: 'A key already in the project: `fail` answers 409 duplicate_key; `overwrite` replaces that document in place (TASKS_UPDATED).',
            },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['created', 'replaced', 'labelsRemoved', 'data'],
            properties: {
              created: { type: 'integer', description: 'Documents that were new.' },
              replaced: { type: 'integer', description: 'Documents overwritten in place (same id).' },
              labelsRemoved: { type: 'integer', description: 'Labels removed from overwritten documents whose text or data changed.' },
              data: { type: 'array', items: documentSchema },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { documents, onDuplicateKey } = request.body;
      const result = await importDocuments(ctx, principalOf(request), request.params.id, documents, { onDuplicateKey });
      const counts = { created: result.created, replaced: result.replaced, labelsRemoved: result.labelsRemoved };
      // A large answer is streamed in slices (other requests keep answering); a small one goes through the serializer.
      if (result.documents.length > CHUNK_SIZE) {
        return reply.status(201).type('application/json; charset=utf-8').send(jsonStreamWithList(counts, 'data', result.documents));
      }
      return reply.status(201).send({ ...counts, data: result.documents });
    },
  );

  app.get(
    '/projects/:id/documents',
    {
      schema: {
        tags: ['documents'],
        summary: "List a project's documents in import order",
        params: idParams,
        querystring: { type: 'object', properties: { ...pageQuerySchema, status: { type: 'string', enum: ['active', 'excluded'] } } },
        response: { 200: pageSchema(documentSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { limit, cursor, status } = request.query;
      const rows = await listDocuments(ctx.store.db, principalOf(request).teamId, request.params.id, { limit, status, afterId: decodeCursor(cursor) });
      return toPage(rows, limit, (d) => d.id, (d) => d);
    },
  );

  app.delete(
    '/projects/:id/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'Delete documents with their labels (one TASKS_DELETED event; admins)',
        params: idParams,
        body: idsBody,
        response: {
          200: { type: 'object', required: ['deleted', 'ids'], properties: { deleted: { type: 'integer' }, ids: { type: 'array', items: { type: 'string' } } } },
          ...errorResponses,
        },
      },
    },
    async (request) => deleteDocuments(ctx, principalOf(request), request.params.id, request.body.ids),
  );

  app.post(
    '/projects/:id/documents/exclude',
    {
      schema: {
        tags: ['documents'],
        summary: 'Exclude documents from labeling (one TASKS_EXCLUDED event; admins)',
        params: idParams,
        body: idsBody,
        response: { 200: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: documentSchema } } }, ...errorResponses },
      },
    },
    async (request) => ({ data: await excludeDocuments(ctx, principalOf(request), request.params.id, request.body.ids) }),
  );

  app.get(
    '/documents/:id',
    {
      schema: {
        tags: ['documents'],
        summary: 'A document with its content, status and completions',
        params: idParams,
        response: { 200: documentSchema, ...errorResponses },
      },
    },
    async (request) => getDocument(ctx.store.db, principalOf(request).teamId, request.params.id),
  );

  app.post(
    '/documents/:id/complete',
    {
      schema: {
        tags: ['documents'],
        summary: 'Mark a document complete (TASK_COMPLETED) or reviewed (TASK_REVIEWED; reviewers and admins)',
        params: idParams,
        body: modeBody,
        response: {
          201: {
            type: 'object',
            required: ['id', 'documentId', 'projectId', 'memberId', 'mode', 'completedAt'],
            properties: {
              id: { type: 'string' },
              documentId: { type: 'string' },
              projectId: { type: 'string' },
              memberId: { type: 'string' },
              mode: { type: 'string', enum: ['labeler', 'reviewer'] },
              completedAt: { type: 'string', format: 'date-time' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await completeDocument(ctx, principalOf(request), request.params.id, request.body.mode)),
  );
};
