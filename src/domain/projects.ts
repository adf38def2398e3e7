import type { Kysely, Selectable, Transaction } from 'kysely';
import { NotFoundError } from '../errors.js';
import type { DatabaseSchema, ProjectTable } from '../store/schema.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** The project row `id` of team `teamId`; throws NotFoundError when it is missing or belongs to another team. */
export async function getProject(db: Db, teamId: string, id: string): Promise<Selectable<ProjectTable>> {
  const row = await db.selectFrom('projects').selectAll().where('id', '=', id).where('team_id', '=', teamId).executeTakeFirst();
  if (!row) throw new NotFoundError('Project', id);
  return row;
}
