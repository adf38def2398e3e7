import type { Selectable } from 'kysely';
import type { AppContext } from '../app-context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { appendEvent } from '../events/outbox.js';
import { newIds } from '../ids.js';
import type { DocumentTable } from '../store/schema.js';
import { insertNumberedDocuments } from '../store/num-alias.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { CHUNK_SIZE, chunked } from './chunked.js';
import { toDocumentPayload, toDocumentView, type DocumentView } from './documents.js';
import { eventProjectRef } from './event-refs.js';
import { resolveId } from './id-alias.js';
import { actorOf, requireRole, teamOf } from './permissions.js';
import type { Principal } from './principal.js';
import { markInProgress } from './project-progress.js';
import { getProject } from './projects.js';

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

/**
 * Imports documents into a project in one transaction: chunked multi-row inserts, ONE `TASKS_CREATED` event for
 * the whole import (however large), and the project moves from CREATED to IN_PROGRESS. Admins only.
 */
export async function importDocuments(ctx: AppContext, p: Principal, projectRef: string, inputs: DocumentInput[]): Promise<DocumentView[]> {
  requireRole(p, 'import documents');
  if (inputs.length === 0) throw new ValidationError('An import needs at least one document.', { count: 0 }, 'no_documents');
  if (inputs.length > MAX_IMPORT_DOCUMENTS) {
    throw new ValidationError(`One import may carry at most ${MAX_IMPORT_DOCUMENTS} documents; split the ${inputs.length} documents into several requests.`, {
      count: inputs.length,
      max: MAX_IMPORT_DOCUMENTS,
    }, 'too_many_documents');
  }
  const keys = inputs.map((d) => d.key).filter((k): k is string => typeof k === 'string');
  const inRequest = duplicateKeys(keys);
  if (inRequest.length > 0) throw duplicateKeyError(inRequest, 'appear more than once in the request');

  const projectId = await resolveId(ctx.store.db, 'projects', p.teamId, projectRef);
  const now = ctx.clock();
  // Ids made in the same millisecond sort by their random tail; sort them so `order by id` lists the import in request order.
  const ids = newIds('doc', inputs.length, now);
  const rows: Omit<Selectable<DocumentTable>, 'num'>[] = inputs.map((d, i) => {
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

  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      const project = await getProject(trx, p.teamId, projectId);
      const taken: string[] = [];
      for (const part of chunked(keys)) {
        const found = await trx.selectFrom('documents').select('key').where('project_id', '=', projectId).where('key', 'in', part).execute();
        for (const f of found) taken.push(f.key!);
      }
      if (taken.length > 0) throw duplicateKeyError(taken, 'already exist in the project');
      const nums = await insertNumberedDocuments(trx, ctx.store.dialect, rows, CHUNK_SIZE);
      rows.forEach((r, i) => Object.assign(r, { num: nums[i] }));
      const current = await markInProgress(trx, project, now);
      await appendEvent(
        trx,
        {
          type: 'TASKS_CREATED',
          team: teamOf(p),
          project: await eventProjectRef(trx, current),
          actor: actorOf(p),
          data: { documents: (rows as Selectable<DocumentTable>[]).map((r) => toDocumentPayload(r, true)), count: rows.length },
        },
        now,
      );
    });
  } catch (err) {
    // A concurrent import took one of the keys between our check and our insert.
    if (isUniqueViolation(err)) {
      throw new ConflictError('A concurrent import took one of these document keys; nothing was imported.', null, 'duplicate_key');
    }
    throw err;
  }
  ctx.eventsCommitted();
  return (rows as Selectable<DocumentTable>[]).map((r) => toDocumentView(r));
}
