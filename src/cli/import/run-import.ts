import { performance } from 'node:perf_hooks';
import { RemoteApiError } from '../../errors.js';
import type { ApiClient } from '../api-client.js';
import type { ProgressReporter } from './progress.js';
import type { ImportSource } from './sources.js';
import type { ImportDocument } from '../../import-format/index.js';

/** The outcome of an import. */
export interface ImportSummary {
  documents: number;
  chunks: number;
  elapsedMs: number;
}

/**
 * Streams `source` into a project through `POST /projects/{id}/documents`, `chunkSize` documents per request (one
 * TASKS_CREATED event each). Reading waits for each request, so memory holds one chunk at most.
 */
/** A chunk is also sent once it holds this many bytes of input, so long documents stay under the server's body limit. */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

/** What the server does with a key already in the project (the import body's `onDuplicateKey`). */
export type DuplicateKeyPolicy = 'fail' | 'overwrite';

/** How an import is sent: documents per request, and the duplicate-key policy of every request. */
export interface ImportSettings {
  chunkSize: number;
  onDuplicateKey: DuplicateKeyPolicy;
}

export async function runImport(api: ApiClient, projectId: string, source: ImportSource, settings: ImportSettings, progress: ProgressReporter): Promise<ImportSummary> {
  const { chunkSize, onDuplicateKey } = settings;
  const started = performance.now();
  let chunk: ImportDocument[] = [];
  let firstWhere = '';
  let lastWhere = '';
  let documents = 0;
  let chunks = 0;
  let bytes = 0;
  let chunkStartBytes = 0;
  const send = async () => {
    try {
      // `fail` is the server's default: leave it out, so the request is the same as before the option existed.
      const policy = onDuplicateKey === 'fail' ? {} : { onDuplicateKey };
      await api.send('POST', `/projects/${encodeURIComponent(projectId)}/documents`, { documents: chunk, ...policy });
    } catch (err) {
      if (err instanceof RemoteApiError) {
        // Say which part of the file failed and what is already in, so the user can fix and resume.
        throw new RemoteApiError(
          err.status,
          err.code,
          `${err.serverMessage} — chunk ${chunks + 1} (${firstWhere} to ${lastWhere}) was not imported; ${documents} documents before it were`,
          err.details,
        );
      }
      throw err;
    }
    documents += chunk.length;
    chunks++;
    chunk = [];
    chunkStartBytes = bytes;
    progress.update({ chunk: chunks, documents, bytes, totalBytes: source.totalBytes, elapsedMs: performance.now() - started });
  };
  try {
    for await (const record of source.records) {
      if (chunk.length === 0) firstWhere = record.where;
      lastWhere = record.where;
      chunk.push(record.doc);
      bytes = record.bytes;
      if (chunk.length >= chunkSize || bytes - chunkStartBytes >= MAX_CHUNK_BYTES) await send();
    }
    if (chunk.length > 0) await send();
  } finally {
    progress.stop();
  }
  return { documents, chunks, elapsedMs: performance.now() - started };
}
