import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { fetch } from 'undici';
import { RemoteApiError } from '../../errors.js';
import { VERSION } from '../../version.js';
import type { ApiClient } from '../api-client.js';
import { documentCounter } from './document-counter.js';
import type { ExportProgressReporter } from './export-progress.js';

/** What `labelhook export` asks for. */
export interface ExportRequest {
  projectId: string;
  format: string;
  status?: string;
  since?: string;
  /** A file to write (through a temporary file, renamed when complete); undefined: stdout. */
  output?: string;
}

/** What an export wrote. */
export interface ExportSummary {
  documents: number;
  bytes: number;
  elapsedMs: number;
}

async function openExport(api: ApiClient, req: ExportRequest): Promise<AsyncIterable<Uint8Array>> {
  const qs = new URLSearchParams({ format: req.format, ...(req.status ? { status: req.status } : {}), ...(req.since ? { since: req.since } : {}) });
  const url = `${api.options.url}/api/v1/projects/${encodeURIComponent(req.projectId)}/export?${qs}`;
  let res: Awaited<ReturnType<typeof fetch>>;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${api.options.apiKey}`, 'user-agent': `labelhook-cli/${VERSION}` } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new RemoteApiError(0, 'server_unreachable', `cannot reach ${api.options.url}: ${cause?.code ?? (err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    const text = await res.text();
    let error: { code?: string; message?: string; details?: unknown } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      // not labelhook's JSON: report the status and the start of the text
    }
    throw new RemoteApiError(res.status, error?.code ?? 'http_error', error?.message ?? (text.slice(0, 200) || res.statusText), error?.details);
  }
  return res.body;
}

/**
 * Streams a project's export to a file or stdout, honouring the writer's backpressure, reporting progress as it goes.
 * A failed export to a file leaves no file behind.
 */
export async function runExport(api: ApiClient, req: ExportRequest, progress: ExportProgressReporter): Promise<ExportSummary> {
  const started = Date.now();
  const project = await api.get<{ documentCount: number }>(`/projects/${encodeURIComponent(req.projectId)}`);
  const body = await openExport(api, req);
  const tmp = req.output ? `${req.output}.${process.pid}.tmp` : null;
  const out = tmp ? createWriteStream(tmp) : process.stdout;
  const counter = documentCounter(req.format);
  const decoder = new TextDecoder();
  let bytes = 0;
  let documents = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      documents = counter.push(decoder.decode(chunk, { stream: true }));
      if (!out.write(chunk)) await once(out, 'drain');
      progress.update({ documents, totalDocuments: project.documentCount, bytes, elapsedMs: Date.now() - started });
    }
    if (tmp) {
      out.end();
      await once(out, 'finish');
      await rename(tmp, req.output!);
    }
  } catch (err) {
    if (tmp) {
      out.destroy();
      await rm(tmp, { force: true });
    }
    throw err;
  } finally {
    progress.stop();
  }
  return { documents, bytes, elapsedMs: Date.now() - started };
}
