import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DatabaseSchema, ProjectTable } from '../store/schema.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/**
 * Moves a project from CREATED to IN_PROGRESS when work starts on it (its first import or label update) and
 * returns the row as it now is. Later statuses are left alone: COMPLETED and REVIEWED are set by people.
 */
export async function markInProgress(db: Db, project: Selectable<ProjectTable>, now: number): Promise<Selectable<ProjectTable>> {
  if (project.status !== 'CREATED') return project;
  await db.updateTable('projects').set({ status: 'IN_PROGRESS', updated_at: now }).where('id', '=', project.id).where('status', '=', 'CREATED').execute();
  return { ...project, status: 'IN_PROGRESS', updated_at: now };
}
