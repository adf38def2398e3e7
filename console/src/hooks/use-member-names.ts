import { useSession } from '../api/context.ts';
import { canSetUp } from '../roles.ts';
import { useAsync } from './use-async.ts';

/**
 * A member's display name by id. Admins list the team's members; other roles (who may not) learn names from the
 * project's annotation events, whose actor is the member who labeled.
 */
export function useMemberNames(projectId: string | null): (id: string) => string {
  const { api, me } = useSession();
  const names = useAsync(async () => {
    const out = new Map<string, string>([[me.member.id, `${me.member.name || me.member.email} (you)`]]);
    if (canSetUp(me.member.role)) {
      for (const m of (await api.listMembers({ limit: 1000 })).data) if (!out.has(m.id)) out.set(m.id, m.name || m.email);
    } else if (projectId) {
      const events = await api.listEvents({ projectId, type: 'ANNOTATION_CREATED', order: 'desc', limit: 1000 });
      for (const e of events.data) if (e.actor && !out.has(e.actor.id)) out.set(e.actor.id, e.actor.name || e.actor.email);
    }
    return out;
  }, [api, projectId]);
  return (id) => names.data?.get(id) ?? id;
}
