import type { AppContext } from '../app-context.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { numOf } from '../store/num-alias.js';
import { insertMemberWithKey, type MemberView } from './members.js';
import type { Principal } from './principal.js';

export interface NewTeamInput {
  name: string;
  /** Email of the team's first admin; `admin@<team-id>.local` when absent. */
  adminEmail?: string;
  adminName?: string;
}

export interface CreatedTeam {
  id: string;
  /** Integer alias of `id` (the label-studio dialect's `organization`). */
  num: number;
  name: string;
  createdAt: string;
  /** An admin key of the new team's first member; shown once. */
  apiKey: string;
  admin: MemberView;
}

/** `POST /teams`: the instance admin creates a team and its first admin member, whose key is returned once. */
export async function createTeam(ctx: AppContext, p: Principal, input: NewTeamInput): Promise<CreatedTeam> {
  if (!p.instanceAdmin) {
    throw new ForbiddenError('Only the instance admin may create teams.', { required: 'instanceAdmin' }, 'forbidden');
  }
  const name = input.name.trim();
  if (!name) throw new ValidationError('A team needs a non-blank name.', { field: 'name' }, 'validation_failed');
  const now = ctx.clock();
  const id = newId('team', now);
  // One transaction: a team without its admin (or the reverse) would be unreachable.
  return ctx.store.db.transaction().execute(async (trx) => {
    await trx.insertInto('teams').values({ id, name, created_at: now }).execute();
    const { member, apiKey } = await insertMemberWithKey(
      trx,
      id,
      { email: input.adminEmail ?? `admin@${id}.local`, name: input.adminName ?? 'Team admin', role: 'admin' },
      now,
    );
    return { id, num: await numOf(trx, 'teams', id), name, createdAt: new Date(now).toISOString(), apiKey, admin: member };
  });
}
