import type { Selectable, Transaction } from 'kysely';
import type { StoreCapabilities } from './capabilities.js';
import { preparedQuery } from './db.js';
import type { DatabaseSchema, ProjectTable } from './schema.js';

// Locks that serialise concurrent changes to one row where the database has row locks (PostgreSQL). SQLite has no
// `FOR UPDATE` and needs none: it runs one writing transaction at a time.

const selectProject = preparedQuery<{ id: string; teamId: string }, Selectable<ProjectTable>>((db, param) =>
  db.selectFrom('projects').selectAll().where('id', '=', param('id')).where('team_id', '=', param('teamId')),
);

const selectProjectForUpdate = preparedQuery<{ id: string; teamId: string }, Selectable<ProjectTable>>((db, param) =>
  db.selectFrom('projects').selectAll().where('id', '=', param('id')).where('team_id', '=', param('teamId')).forUpdate(),
);

/** The project row `id` of team `teamId` (undefined when there is none), locked until `trx` ends. */
export async function lockProjectRow(trx: Transaction<DatabaseSchema>, caps: StoreCapabilities, id: string, teamId: string): Promise<Selectable<ProjectTable> | undefined> {
  return (await (caps.rowLocks ? selectProjectForUpdate : selectProject)(trx, { id, teamId }))[0];
}

/** Locks the document row `id` until `trx` ends (no statement where one writer at a time makes it needless). */
export async function lockDocumentRow(trx: Transaction<DatabaseSchema>, caps: StoreCapabilities, id: string): Promise<void> {
  if (caps.rowLocks) await trx.selectFrom('documents').select('id').where('id', '=', id).forUpdate().execute();
}
