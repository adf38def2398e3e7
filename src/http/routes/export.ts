import { Readable } from 'node:stream';
import { getProject } from '../../domain/projects.js';
import { openExportDownload } from '../../export/export-download.js';
import { createExportJob, listExportJobs, readExportJob } from '../../export/export-jobs.js';
import { parseExportOptions } from '../../export/export-options.js';
import { exportStream } from '../../export/export-stream.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../error-schema.js';
import type { RoutePlugin } from '../route-plugin.js';
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from '../pagination.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;

// Format and status are checked by the domain, not an enum here, so a wrong value is a 422 listing the valid ones.
const exportFields = {
  format: { type: 'string', maxLength: 50, description: 'jsonl (default), label-studio, conll or csv' },
  status: { type: 'string', maxLength: 50, description: 'all (default), completed or reviewed' },
  since: { type: 'string', maxLength: 50, description: 'ISO 8601: only documents changed at or after it' },
} as const;

const nullable = <T extends string>(type: T) => ({ type: [type, 'null'] }) as const;

/** JSON schema of an export job. */
export const exportJobSchema = {
  type: 'object',
  required: ['id', 'projectId', 'format', 'status', 'state', 'createdAt'],
  properties: {
    id: { type: 'string' },
    projectId: { type: 'string' },
    format: { type: 'string' },
    status: { type: 'string' },
    since: nullable('string'),
    trigger: { type: 'string' },
    state: { type: 'string', enum: ['queued', 'running', 'completed', 'failed'] },
    attempts: { type: 'integer' },
    documentCount: nullable('integer'),
    labelCount: nullable('integer'),
    byteSize: nullable('integer'),
    sha256: nullable('string'),
    fileName: nullable('string'),
    error: nullable('string'),
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    completedAt: nullable('string'),
    prunedAt: nullable('string'),
    downloadUrl: nullable('string'),
    downloadExpiresAt: nullable('string'),
  },
} as const;

/** Project export (streamed) and export jobs (docs/export.md). */
export const exportRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/projects/:id/export',
    {
      schema: {
        tags: ['export'],
        summary: "Stream the project's documents with their labels, completion and review state (any role)",
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: exportFields },
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const options = parseExportOptions(request.query);
      const project = await getProject(ctx.store.db, p.teamId, request.params.id);
      const out = exportStream(ctx.store.db, project, { id: p.teamId, name: p.teamName }, options);
      reply.header('content-type', out.format.contentType).header('content-disposition', `attachment; filename="${out.fileName}"`);
      // Readable.from pulls the next page only when the socket has taken the last one: backpressure reaches the database.
      return reply.send(Readable.from(out.chunks, { objectMode: false }));
    },
  );

  app.post(
    '/projects/:id/exports',
    {
      schema: {
        tags: ['export'],
        summary: 'Make an export file in the background; answers 202 with the job, EXPORT_COMPLETED announces the file',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: exportFields },
        response: { 202: exportJobSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const job = await createExportJob(ctx, principalOf(request), request.params.id, request.body ?? {});
      return reply.status(202).send(job);
    },
  );

  app.get(
    '/projects/:id/exports',
    {
      schema: {
        tags: ['export'],
        summary: "The project's export jobs, newest first",
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuerySchema } },
        response: { 200: pageSchema(exportJobSchema), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listExportJobs(ctx, principalOf(request), request.params.id, { limit: q.limit, beforeId: decodeCursor(q.cursor) });
      return toPage(rows, q.limit, (r) => r.id, (r) => r);
    },
  );

  app.get(
    '/exports/:id',
    { schema: { tags: ['export'], summary: 'An export job, with a fresh download URL once completed', params: idParams, response: { 200: exportJobSchema, ...errorResponses } } },
    async (request) => readExportJob(ctx, principalOf(request), request.params.id),
  );
};

/** The signed download, registered outside the key check: the link stands in for a key (src/export/download-link.ts). */
export const exportDownloadRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/exports/:id/download',
    {
      schema: {
        tags: ['export'],
        summary: 'Download an export file by its signed URL (no API key needed until it expires)',
        security: [],
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { expires: { type: 'string', maxLength: 20 }, sig: { type: 'string', maxLength: 200 } } },
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const file = await openExportDownload(ctx, request.principal, request.params.id, request.query);
      reply
        .header('content-type', file.contentType)
        .header('content-length', file.byteSize)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('x-labelhook-sha256', file.sha256);
      return reply.send(file.stream);
    },
  );
};
