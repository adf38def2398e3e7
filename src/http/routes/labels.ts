import type { FastifyReply } from 'fastify';
import { CHUNK_SIZE } from '../../domain/chunked.js';
import { LABEL_AUTHORS } from '../../../sdk/event-types.js';
import { BULK_LIMITS, updateLabelsInBulk } from '../../domain/bulk-label-update.js';
import { updateLabels } from '../../domain/label-update.js';
import type { LabelUpdateInput } from '../../domain/label-validation.js';
import { listLabels } from '../../domain/labels.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { FromSchema } from '../from-schema.js';
import { jsonStreamWithList } from '../json-stream.js';
import type { RoutePlugin } from '../route-plugin.js';

const int = { type: 'integer', minimum: 0 } as const;
const LABEL_TYPES = ['SPAN', 'ROW', 'DOCUMENT'] as const;

/** A label in Datasaur's shape, every field present. */
export const labelSchema = {
  type: 'object',
  required: [
    'id', 'documentId', 'type', 'startCellIndex', 'startCellLine', 'startTokenIndex', 'startCharIndex', 'endCellIndex', 'endCellLine',
    'endTokenIndex', 'endCharIndex', 'counter', 'layer', 'labeledBy', 'labelSetItemId', 'confidenceScore', 'labeledByUserId',
  ],
  properties: {
    id: { type: 'string' },
    documentId: { type: 'string' },
    type: { type: 'string', enum: LABEL_TYPES },
    startCellIndex: { type: 'integer' },
    startCellLine: { type: 'integer' },
    startTokenIndex: { type: 'integer' },
    startCharIndex: { type: 'integer' },
    endCellIndex: { type: 'integer' },
    endCellLine: { type: 'integer' },
    endTokenIndex: { type: 'integer' },
    endCharIndex: { type: 'integer' },
    counter: { type: 'integer' },
    layer: { type: 'integer' },
    labeledBy: { type: 'string', enum: [...LABEL_AUTHORS] },
    labelSetItemId: { type: 'string' },
    confidenceScore: { type: ['number', 'null'] },
    labeledByUserId: { type: 'string', description: 'The member who saved the label last.' },
  },
} as const;

export const labelInputSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, description: 'Present: update this label. Absent: create one.' },
    type: { type: 'string', enum: LABEL_TYPES },
    labelSetItemId: { type: 'string', minLength: 1, maxLength: 200 },
    startCellIndex: int,
    startCellLine: int,
    startTokenIndex: int,
    startCharIndex: int,
    endCellIndex: int,
    endCellLine: int,
    endTokenIndex: int,
    endCharIndex: int,
    counter: int,
    layer: int,
    labeledBy: { type: 'string', enum: [...LABEL_AUTHORS] },
    confidenceScore: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    // Accepted so Datasaur-shaped labels can be sent back as received; the server sets both.
    documentId: { type: 'string' },
    labeledByUserId: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
  },
} as const;

const labelsAnswer = { type: 'object', required: ['data'], properties: { data: { type: 'array', items: labelSchema } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

const toDeleteListSchema = {
  type: 'array',
  maxItems: 10_000,
  items: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } },
} as const;
const modeSchema = { type: 'string', enum: ['labeler', 'reviewer'], description: 'reviewer mode needs the reviewer or admin role; default labeler' } as const;

/** JSON schema of a label update (`POST /documents/{id}/labels`). */
export const labelUpdateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    toUpsertList: { type: 'array', maxItems: 10_000, items: labelInputSchema },
    toDeleteList: toDeleteListSchema,
    mode: modeSchema,
  },
} as const;

/** Drops the fields of a Datasaur-shaped label the server sets itself. */
function upsertsOf(list: FromSchema<typeof labelInputSchema>[] | undefined): NonNullable<LabelUpdateInput['toUpsertList']> {
  return (list ?? []).map((l) => {
    const { documentId: _doc, labeledByUserId: _user, ...rest } = l;
    return rest;
  });
}

/** A `{data}` answer of thousands of labels, stringified a slice at a time (one serialization of 10,000 stalls others). */
function streamed(reply: FastifyReply, data: readonly unknown[]): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(jsonStreamWithList({}, 'data', data));
}

/** Labels of a document: read all members' labels, and apply label updates (through the label gate). */
export const labelRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/documents/:id/labels',
    {
      schema: { tags: ['labels'], summary: "All members' labels on a document", params: idParams, response: { 200: labelsAnswer, ...errorResponses } },
    },
    async (request) => ({ data: await listLabels(ctx.store.db, principalOf(request).teamId, request.params.id) }),
  );

  app.post(
    '/documents/:id/labels',
    {
      schema: {
        tags: ['labels'],
        summary: 'Apply a label update {toUpsertList, toDeleteList}: BEFORE_UPDATE_LABELS (may be vetoed by a blocking webhook: 409), then ANNOTATION_*',
        params: idParams,
        body: labelUpdateSchema,
        response: { 200: labelsAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const data = await updateLabels(ctx, principalOf(request), request.params.id, { ...request.body, toUpsertList: upsertsOf(request.body.toUpsertList) });
      return data.length > CHUNK_SIZE ? streamed(reply, data) : { data };
    },
  );

  app.post(
    '/projects/:id/labels',
    {
      schema: {
        tags: ['labels'],
        summary: `Label updates of several documents at once, all or nothing (at most ${BULK_LIMITS.documents} documents, ${BULK_LIMITS.labels} labels): BEFORE_UPDATE_LABELS per document, one ANNOTATIONS_CREATED for the annotations created`,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200, description: "The project's id or integer alias (num)" } } },
        body: {
          type: 'object',
          required: ['documents'],
          additionalProperties: false,
          properties: {
            documents: {
              type: 'array',
              minItems: 1,
              // More than BULK_LIMITS.documents is checked by the domain, for its own error code.
              items: {
                type: 'object',
                required: ['documentId'],
                additionalProperties: false,
                properties: {
                  documentId: { type: ['string', 'integer'], minLength: 1, maxLength: 200, minimum: 1, description: 'A document id or its integer alias (num)' },
                  toUpsertList: { type: 'array', maxItems: 10_000, items: labelInputSchema },
                  toDeleteList: toDeleteListSchema,
                },
              },
            },
            mode: modeSchema,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['data'],
            properties: {
              data: {
                type: 'array',
                items: { type: 'object', required: ['documentId', 'labels'], properties: { documentId: { type: 'string' }, labels: { type: 'array', items: labelSchema } } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const documents = request.body.documents.map((d) => ({ ...d, toUpsertList: upsertsOf(d.toUpsertList) }));
      const data = await updateLabelsInBulk(ctx, principalOf(request), request.params.id, { ...request.body, documents });
      return data.reduce((n, d) => n + d.labels.length, 0) > CHUNK_SIZE ? streamed(reply, data) : { data };
    },
  );
};
