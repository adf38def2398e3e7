import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { updateLabels } from '../../domain/label-update.js';
import type { LabelUpdateInput } from '../../domain/label-validation.js';
import { listLabels } from '../../domain/labels.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';

const int = { type: 'integer', minimum: 0 } as const;
const LABEL_TYPES = ['SPAN', 'ROW', 'DOCUMENT'];

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
    labeledBy: { type: 'string' },
    labelSetItemId: { type: 'string' },
    confidenceScore: { type: ['number', 'null'] },
    labeledByUserId: { type: 'string', description: 'The member who saved the label last.' },
  },
} as const;

const labelInputSchema = {
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
    labeledBy: { type: 'string', enum: ['LABELER', 'REVIEWER', 'PREDICTION'] },
    confidenceScore: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    // Accepted so Datasaur-shaped labels can be sent back as received; the server sets both.
    documentId: { type: 'string' },
    labeledByUserId: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
  },
} as const;

const labelsAnswer = { type: 'object', required: ['data'], properties: { data: { type: 'array', items: labelSchema } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

/** Labels of a document: read all members' labels, and apply label updates (through the label gate). */
export function registerLabelRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>(
    '/api/v1/documents/:id/labels',
    {
      schema: { tags: ['labels'], summary: "All members' labels on a document", params: idParams, response: { 200: labelsAnswer, ...errorResponses } },
    },
    async (request) => ({ data: await listLabels(ctx.store.db, principalOf(request).teamId, request.params.id) }),
  );

  app.post<{ Params: { id: string }; Body: LabelUpdateInput }>(
    '/api/v1/documents/:id/labels',
    {
      schema: {
        tags: ['labels'],
        summary: 'Apply a label update {toUpsertList, toDeleteList}: BEFORE_UPDATE_LABELS (may be vetoed by a blocking webhook: 409), then ANNOTATION_*',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            toUpsertList: { type: 'array', maxItems: 10_000, items: labelInputSchema },
            toDeleteList: {
              type: 'array',
              maxItems: 10_000,
              items: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } },
            },
            mode: { type: 'string', enum: ['labeler', 'reviewer'], description: 'reviewer mode needs the reviewer or admin role; default labeler' },
          },
        },
        response: { 200: labelsAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const toUpsertList = (request.body.toUpsertList ?? []).map((l) => {
        const { documentId: _doc, labeledByUserId: _user, ...rest } = l as typeof l & { documentId?: unknown; labeledByUserId?: unknown };
        return rest;
      });
      return { data: await updateLabels(ctx, principalOf(request), request.params.id, { ...request.body, toUpsertList }) };
    },
  );
}
