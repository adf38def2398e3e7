import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AppContext } from '../app-context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { numOf } from '../store/num-alias.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { DatabaseSchema, MemberTable } from '../store/schema.js';
import { issueApiKey } from './api-keys.js';
import { requireAdmin } from './permissions.js';
import type { Principal } from './principal.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

export type Role = MemberTable['role'];
export const ROLES: readonly Role[] = ['admin', 'labeler', 'reviewer'];

/** A member as the API shows it (never with a key, except once on creation). */
export interface MemberView {
  id: string;
  /** Integer alias of `id` (what the label-studio dialect sends as a user id). */
  num: number;
  teamId: string;
  email: string;
  name: string;
  role: Role;
  instanceAdmin: boolean;
  createdAt: string;
}

export interface NewMemberInput {
  email: string;
  name?: string;
  role: Role;
}

/** A member row rendered for the API. */
export function toMemberView(row: Selectable<MemberTable>): MemberView {
  return {
    id: row.id,
    num: Number(row.num),
    teamId: row.team_id,
    email: row.email,
    name: row.name,
    role: row.role,
    instanceAdmin: row.instance_admin === 1,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/** Emails compare case-insensitively (people type them both ways), so they are stored lower-cased. */
export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(e)) throw new ValidationError(`"${email}" is not an email address.`, { field: 'email' }, 'invalid_email');
  return e;
}

/**
 * Inserts a member with a first API key inside `trx` (shared by team creation and `POST /members`).
 * Throws ConflictError `member_exists` when the team already has that email.
 */
export async function insertMemberWithKey(
  trx: Db,
  teamId: string,
  input: NewMemberInput,
  now: number,
): Promise<{ member: MemberView; apiKey: string }> {
  const email = normalizeEmail(input.email);
  const name = input.name?.trim() || email.split('@')[0]!;
  if (!ROLES.includes(input.role)) throw new ValidationError(`Unknown role "${input.role}".`, { field: 'role', allowed: ROLES }, 'invalid_role');
  const existing = await trx.selectFrom('members').select('id').where('team_id', '=', teamId).where('email', '=', email).executeTakeFirst();
  if (existing) throw memberExists(email, existing.id);
  const row: Omit<Selectable<MemberTable>, 'num'> = { id: newId('mem', now), team_id: teamId, email, name, role: input.role, instance_admin: 0, created_at: now };
  try {
    await trx.insertInto('members').values(row).execute();
  } catch (err) {
    // Two concurrent requests can both pass the check above; the unique constraint decides.
    if (isUniqueViolation(err)) throw memberExists(email, null);
    throw err;
  }
  const { key } = await issueApiKey(trx, { teamId, memberId: row.id, name: 'initial' }, now);
  return { member: toMemberView({ ...row, num: await numOf(trx, 'members', row.id) }), apiKey: key };
}

function memberExists(email: string, id: string | null): ConflictError {
  return new ConflictError(`The team already has a member with the email ${email}.`, { email, id }, 'member_exists');
}

/** `POST /members`: an admin adds a member to its own team; answers the member and its API key (shown once). */
export async function createMember(ctx: AppContext, p: Principal, input: NewMemberInput): Promise<{ member: MemberView; apiKey: string }> {
  requireAdmin(p, 'add members');
  const now = ctx.clock();
  try {
    return await ctx.store.db.transaction().execute((trx) => insertMemberWithKey(trx, p.teamId, input, now));
  } catch (err) {
    if (isUniqueViolation(err)) throw memberExists(normalizeEmail(input.email), null);
    throw err;
  }
}

/** The members of the caller's team in creation order, `limit + 1` rows after `afterId` (admins only). */
export async function listMembers(ctx: AppContext, p: Principal, page: { limit: number; afterId?: string }): Promise<Selectable<MemberTable>[]> {
  requireAdmin(p, 'list members');
  let q = ctx.store.db.selectFrom('members').selectAll().where('team_id', '=', p.teamId);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  return q.orderBy('id').limit(page.limit + 1).execute();
}
