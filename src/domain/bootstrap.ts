import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { DatabaseSchema } from '../store/schema.js';
import { issueApiKey } from './api-keys.js';

export interface BootstrapResult {
  created: boolean;
  teamId?: string;
  /** The admin key, when one was generated (to print once); undefined when given or not created. */
  generatedKey?: string;
}

/** On an empty database, creates the default team and the instance admin with `adminKey` or a new key. */
export async function bootstrap(db: Kysely<DatabaseSchema>, adminKey: string | undefined, now: number): Promise<BootstrapResult> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('teams').select('id').limit(1).executeTakeFirst();
    if (existing) return { created: false };
    const teamId = newId('team', now);
    const memberId = newId('mem', now);
    await trx.insertInto('teams').values({ id: teamId, name: 'Default team', created_at: now }).execute();
    await trx
      .insertInto('members')
      .values({ id: memberId, team_id: teamId, email: 'admin@localhost', name: 'Instance admin', role: 'admin', instance_admin: 1, created_at: now })
      .execute();
    const { key } = await issueApiKey(trx, { teamId, memberId, name: 'bootstrap', key: adminKey }, now);
    return { created: true, teamId, generatedKey: adminKey ? undefined : key };
  });
}
