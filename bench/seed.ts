import { appendEvent } from '../src/events/outbox.js';
import type { Actor } from '../src/events/event.js';
import { toProjectRef } from '../src/domain/views.js';
import { openStore } from '../src/store/db.js';
import { projectRenamedEvent } from './sample-event.js';

/**
 * Commits `count` PROJECT_UPDATED events of project `projectId` straight into the outbox (with appendEvent, as the
 * domain does, `batch` events per transaction). Run it while no worker is running: the events then wait,
 * committed and undispatched, until the server under test starts.
 */
export async function seedEvents(databaseUrl: string, projectId: string, count: number, batch = 1_000): Promise<void> {
  const store = openStore(databaseUrl, { poolSize: 1 });
  try {
    const project = await store.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirstOrThrow();
    const team = await store.db.selectFrom('teams').select(['id', 'name']).where('id', '=', project.team_id).executeTakeFirstOrThrow();
    const member = await store.db.selectFrom('members').select(['id', 'email', 'name', 'role']).where('team_id', '=', team.id).orderBy('id').executeTakeFirstOrThrow();
    const actor: Actor = { id: member.id, email: member.email, name: member.name, role: member.role };
    const ref = toProjectRef(project);
    for (let done = 0; done < count; done += batch) {
      const n = Math.min(batch, count - done);
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < n; i++) await appendEvent(trx, projectRenamedEvent(team, ref, actor, done + i), Date.now());
      });
    }
  } finally {
    await store.close();
  }
}
