import type { Insertable, Selectable } from 'kysely';
import type { AppContext } from '../app-context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { appendEvent } from '../events/outbox.js';
import { newIds } from '../ids.js';
import type { DocumentTable } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { DocumentPayload } from '../events/payloads.js';
import { chunked } from './chunked.js';
import { clearLabelsOf, contentChanged, documentsByKey, replacedRow, writeReplacedRows } from './document-overwrite.js';
import { completionsOf, toDocumentPayload, toDocumentView, type DocumentView } from './documents.js';
import { actorOf, requireRole } from './permissions.js';
import type { Principal } from './principal.js';
import { markInProgress } from './project-progress.js';
import { getProject } from './projects.js';
import { yieldToEventLoop } from './slices.js';
import { toProjectRef } from './views.js';

/** Most documents one import may carry; larger sets are split by the client (the event stays deliverable). */
export const MAX_IMPORT_DOCUMENTS = 100_000;

/** One document of an import request. */
export interface DocumentInput {
  key?: string | null;
  name?: string | null;
  text?: string | null;
  data?: unknown;
}

function duplicateKeys(keys: string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const k of keys) (seen.has(k) ? dups : seen).add(k);
  return [...dups];
}

function duplicateKeyError(keys: string[], where: string): ConflictError {
  return new ConflictError(
    `Document key${keys.length > 1 ? 's' : ''} ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''} ${where}; keys are unique within a project. Nothing was imported.`,
    { keys: keys.slice(0, 100), count: keys.length },
    'duplicate_key',
  );
}

/** What an import does with a document whose key is already in the project. */
export type DuplicateKeyPolicy = 'fail' | 'overwrite';

/** Choices of one import. */
export interface ImportOptions {
  /** `fail` (default): 409 `duplicate_key`, nothing imported. `overwrite`: replace those documents in place. */
  onDuplicateKey?: DuplicateKeyPolicy;
}

/** What an import stored: every document of the request in request order, and how many were new or replaced. */
export interface ImportResult {
  documents: DocumentView[];
  created: number;
  replaced: number;
  /** Labels removed from replaced documents whose content changed. */
  labelsRemoved: number;
}

/** The stored rows of an import's documents, in request order, with ids sorted so `order by id` keeps that order. */
function newRows(p: Principal, projectId: string, inputs: DocumentInput[], now: number): Selectable<DocumentTable>[] {
  const ids = newIds('doc', inputs.length, now);
  return inputs.map((d, i) => {
    const id = ids[i]!;
    return {
      id,
      team_id: p.teamId,
      project_id: projectId,
      key: d.key ?? null,
      // A document always has a name receivers can show: the client's, else its key, else its id.
      name: d.name ?? d.key ?? id,
      text: d.text ?? null,
      data: d.data === undefined || d.data === null ? null : JSON.stringify(d.data),
      status: 'active',
      created_at: now,
      updated_at: now,
    };
  });
}

function checkSize(inputs: DocumentInput[]): void {
  if (inputs.length === 0) throw new ValidationError('An import needs at least one document.', { count: 0 }, 'no_documents');
  if (inputs.length > MAX_IMPORT_DOCUMENTS) {
    throw new ValidationError(`One import may carry at most ${MAX_IMPORT_DOCUMENTS} documents; split the ${inputs.length} documents into several requests.`, {
      count: inputs.length,
      max: MAX_IMPORT_DOCUMENTS,
    }, 'too_many_documents');
  }
}

/** Document payloads of TASKS_* events, built a chunk per event-loop turn. */
async function payloadsOf(rows: Selectable<DocumentTable>[], withContent: boolean): Promise<DocumentPayload[]> {
  const out: DocumentPayload[] = [];
  for (const part of chunked(rows)) {
    for (const r of part) out.push(toDocumentPayload(r, withContent));
    await yieldToEventLoop();
  }
  return out;
}

/**
 * Imports documents into a project in one transaction: chunked multi-row inserts, ONE `TASKS_CREATED` event for
 * the new documents (however many), and the project moves from CREATED to IN_PROGRESS. Admins only. With
 * `onDuplicateKey: 'overwrite'`, documents whose key is already in the project are replaced in place in the same
 * transaction: ONE `TASKS_UPDATED` (after and before), and their labels are removed when their content changed
 * (one `ANNOTATIONS_DELETED` per such document). The work runs in slices of a chunk, yielding to the event loop in
 * between, so other requests keep answering; the transaction stays all-or-nothing.
 */
export async function importDocuments(ctx: AppContext, p: Principal, projectId: string, inputs: DocumentInput[], options: ImportOptions = {}): Promise<ImportResult> {
  requireRole(p, 'import documents');
  checkSize(inputs);
  const overwrite = options.onDuplicateKey === 'overwrite';
  const keys = inputs.map((d) => d.key).filter((k): k is string => typeof k === 'string');
  const inRequest = duplicateKeys(keys);
  if (inRequest.length > 0) throw duplicateKeyError(inRequest, 'appear more than once in the request');

  const now = ctx.clock();
  const fresh = newRows(p, projectId, inputs, now);
  await yieldToEventLoop();
  const team = { id: p.teamId, name: p.teamName };
  const actor = actorOf(p);
  let result: { rows: Selectable<DocumentTable>[]; created: number; replaced: number; labelsRemoved: number };
  try {
    result = await ctx.store.bulkTransaction().execute(async (trx) => {
      const project = await getProject(trx, p.teamId, projectId);
      const existing = await documentsByKey(trx, projectId, keys);
      if (existing.size > 0 && !overwrite) throw duplicateKeyError([...existing.keys()], 'already exist in the project');
      const rows = fresh.map((r) => {
        const before = r.key === null ? undefined : existing.get(r.key);
        return before ? replacedRow(before, r) : r;
      });
      const created = rows.filter((r) => !existing.has(r.key ?? ''));
      const replaced = rows.filter((r) => existing.has(r.key ?? ''));
      for (const part of chunked(created)) {
        await trx.insertInto('documents').values(part as Insertable<DocumentTable>[]).execute();
        await yieldToEventLoop();
      }
      await writeReplacedRows(trx, replaced);
      const current = toProjectRef(await markInProgress(trx, project, now));
      if (created.length > 0) {
        const documents = await payloadsOf(created, true);
        await appendEvent(trx, { type: 'TASKS_CREATED', team, project: current, actor, data: { documents, count: created.length } }, now);
      }
      let labelsRemoved = 0;
      if (replaced.length > 0) {
        const before = replaced.map((r) => existing.get(r.key!)!);
        const documents = await payloadsOf(replaced, true);
        await appendEvent(trx, { type: 'TASKS_UPDATED', team, project: current, actor, data: { documents, before: await payloadsOf(before, true), count: replaced.length } }, now);
        const changed = replaced.filter((r) => contentChanged(existing.get(r.key!)!, r));
        labelsRemoved = await clearLabelsOf(trx, changed, { team, project: current, actor }, now);
      }
      return { rows, created: created.length, replaced: replaced.length, labelsRemoved };
    });
  } catch (err) {
    // A concurrent import took one of the keys between our check and our insert.
    if (isUniqueViolation(err)) {
      throw new ConflictError('A concurrent import took one of these document keys; nothing was imported.', null, 'duplicate_key');
    }
    throw err;
  }
  ctx.eventsCommitted();
  const completions = result.replaced > 0 ? await completionsOf(ctx.store.db, result.rows.filter((r) => r.created_at !== now).map((r) => r.id)) : new Map();
  const documents: DocumentView[] = [];
  for (const part of chunked(result.rows)) {
    for (const r of part) documents.push(toDocumentView(r, completions.get(r.id)));
    await yieldToEventLoop();
  }
  return { documents, created: result.created, replaced: result.replaced, labelsRemoved: result.labelsRemoved };
}
