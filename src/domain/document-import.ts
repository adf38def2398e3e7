import type { Selectable, Transaction } from 'kysely';
import type { AppContext } from '../app-context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { appendEvent, outboxTransaction, type NewEvent } from '../events/outbox.js';
import { newIds } from '../ids.js';
import type { DatabaseSchema, DocumentTable } from '../store/schema.js';
import { insertNumberedDocuments } from '../store/num-alias.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { clearLabelsOf, contentChanged, documentsByKey, replacedRow, writeReplacedRows } from './document-overwrite.js';
import { completionsOf, toDocumentPayload, toDocumentView, type DocumentView } from './documents.js';
import { eventProjectRef } from './event-refs.js';
import { resolveId } from './id-alias.js';
import { actorOf, requireRole, teamOf } from './permissions.js';
import type { Principal } from './principal.js';
import { markInProgress } from './project-progress.js';
import { getProject } from './projects.js';
import { eachSlice, mapInSlices, objectJsonInSlices, transactionFor } from './slices.js';

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
async function newRows(p: Principal, projectId: string, inputs: DocumentInput[], now: number): Promise<Selectable<DocumentTable>[]> {
  const ids = newIds('doc', inputs.length, now);
  let i = 0;
  return mapInSlices(inputs, (d) => {
    const id = ids[i++]!;
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
      // `num` is given when the row is inserted (insertNumberedDocuments); a replaced document keeps its own.
    } as Selectable<DocumentTable>;
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

/** A TASKS_* event of many documents, its payloads and JSON built a slice per event-loop turn. */
async function appendDocumentsEvent(
  trx: Transaction<DatabaseSchema>,
  input: Omit<NewEvent<'TASKS_CREATED' | 'TASKS_UPDATED'>, 'data' | 'dataJson'>,
  lists: { documents: Selectable<DocumentTable>[]; before?: Selectable<DocumentTable>[] },
  now: number,
): Promise<void> {
  const documents = await mapInSlices(lists.documents, (r) => toDocumentPayload(r, true));
  const before = lists.before ? await mapInSlices(lists.before, (r) => toDocumentPayload(r, true)) : undefined;
  const data = before ? { documents, before, count: documents.length } : { documents, count: documents.length };
  await appendEvent(trx, { ...input, data, dataJson: await objectJsonInSlices(data) } as NewEvent, now);
}

/**
 * Imports documents into a project in one transaction: chunked multi-row inserts, ONE `TASKS_CREATED` event for
 * the new documents (however many), and the project moves from CREATED to IN_PROGRESS. Admins only. With
 * `onDuplicateKey: 'overwrite'`, documents whose key is already in the project are replaced in place in the same
 * transaction: ONE `TASKS_UPDATED` (after and before), and their labels are removed when their content changed
 * (one `ANNOTATIONS_DELETED` per such document). The work runs in slices of a chunk, yielding to the event loop in
 * between, so other requests keep answering; the transaction stays all-or-nothing.
 */
export async function importDocuments(ctx: AppContext, p: Principal, projectRef: string, inputs: DocumentInput[], options: ImportOptions = {}): Promise<ImportResult> {
  requireRole(p, 'import documents');
  checkSize(inputs);
  const overwrite = options.onDuplicateKey === 'overwrite';
  const keys = inputs.map((d) => d.key).filter((k): k is string => typeof k === 'string');
  const inRequest = duplicateKeys(keys);
  if (inRequest.length > 0) throw duplicateKeyError(inRequest, 'appear more than once in the request');

  const projectId = await resolveId(ctx.store.db, 'projects', p.teamId, projectRef);
  const now = ctx.clock();
  const fresh = await newRows(p, projectId, inputs, now);
  const team = teamOf(p);
  const actor = actorOf(p);
  let result: { rows: Selectable<DocumentTable>[]; created: number; replaced: string[]; labelsRemoved: number };
  try {
    result = await outboxTransaction(ctx, transactionFor(ctx.store, inputs.length)).execute(async (trx) => {
      const project = await getProject(trx, p.teamId, projectId);
      const existing = await documentsByKey(trx, projectId, keys);
      if (existing.size > 0 && !overwrite) throw duplicateKeyError([...existing.keys()], 'already exist in the project');
      const rows = fresh.map((r) => {
        const before = r.key === null ? undefined : existing.get(r.key);
        return before ? replacedRow(before, r) : r;
      });
      const isReplaced = (r: Selectable<DocumentTable>) => r.key !== null && existing.has(r.key);
      const created = rows.filter((r) => !isReplaced(r));
      const replaced = rows.filter(isReplaced);
      await eachSlice(created, async (part) => {
        const nums = await insertNumberedDocuments(trx, ctx.store.dialect, part);
        part.forEach((r, i) => Object.assign(r, { num: nums[i] }));
      });
      await writeReplacedRows(trx, replaced);
      const current = await eventProjectRef(trx, await markInProgress(trx, project, now));
      if (created.length > 0) await appendDocumentsEvent(trx, { type: 'TASKS_CREATED', team, project: current, actor }, { documents: created }, now);
      let labelsRemoved = 0;
      if (replaced.length > 0) {
        const before = replaced.map((r) => existing.get(r.key!)!);
        await appendDocumentsEvent(trx, { type: 'TASKS_UPDATED', team, project: current, actor }, { documents: replaced, before }, now);
        const changed = replaced.filter((r) => contentChanged(existing.get(r.key!)!, r));
        labelsRemoved = await clearLabelsOf(trx, changed, { team, project: current, actor }, now);
      }
      return { rows, created: created.length, replaced: replaced.map((r) => r.id), labelsRemoved };
    });
  } catch (err) {
    // A concurrent import took one of the keys between our check and our insert.
    if (isUniqueViolation(err)) {
      throw new ConflictError('A concurrent import took one of these document keys; nothing was imported.', null, 'duplicate_key');
    }
    throw err;
  }
  // A replaced document keeps its completions when its content did not change.
  const completions = await completionsOf(ctx.store.db, result.replaced);
  const documents = await mapInSlices(result.rows, (r) => toDocumentView(r, completions.get(r.id)));
  return { documents, created: result.created, replaced: result.replaced.length, labelsRemoved: result.labelsRemoved };
}
