import type { AppContext } from '../app-context.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { issueApiKey } from './api-keys.js';
import { requireAdmin } from './permissions.js';
import { principalCacheFor } from './principal-cache.js';
import type { Principal } from './principal.js';

/** An API key as the API lists it: never the key itself, only its first characters. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  name: string;
  member: { id: string; email: string; name: string; role: 'admin' | 'labeler' | 'reviewer' };
  createdAt: string;
  revokedAt: string | null;
}

interface KeyRow {
  id: string;
  prefix: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
  member_id: string;
  email: string;
  member_name: string;
  role: 'admin' | 'labeler' | 'reviewer';
  instance_admin: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

function toView(r: KeyRow): ApiKeyView {
  return {
    id: r.id,
    prefix: r.prefix,
    name: r.name,
    member: { id: r.member_id, email: r.email, name: r.member_name, role: r.role },
    createdAt: iso(r.created_at)!,
    revokedAt: iso(r.revoked_at),
  };
}

function keyQuery(ctx: AppContext, teamId: string) {
  return ctx.store.db
    .selectFrom('api_keys as k')
    .innerJoin('members as m', 'm.id', 'k.member_id')
    .select(['k.id', 'k.prefix', 'k.name', 'k.created_at', 'k.revoked_at', 'm.id as member_id', 'm.email', 'm.name as member_name', 'm.role', 'm.instance_admin'])
    .where('k.team_id', '=', teamId);
}

async function findKey(ctx: AppContext, teamId: string, id: string): Promise<KeyRow> {
  const row = await keyQuery(ctx, teamId).where('k.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('API key', id);
  return row;
}

/**
 * Least privilege: the instance admin's keys are a way to become the instance admin, so only the instance admin
 * mints, sees or revokes them. A team admin manages every other member's keys.
 */
function requireAuthorityOver(p: Principal, member: { instance_admin: number }, action: string): void {
  if (member.instance_admin === 1 && !p.instanceAdmin) {
    throw new ForbiddenError(`Only the instance admin may ${action} for the instance admin.`, { required: 'instanceAdmin' }, 'forbidden');
  }
}

/** The team's API keys, revoked ones included, oldest first (`limit + 1` rows for paging); admins only, the instance admin's keys for the instance admin only. */
export async function listApiKeys(ctx: AppContext, p: Principal, page: { limit: number; afterId?: string }): Promise<ApiKeyView[]> {
  requireAdmin(p, 'list API keys');
  let q = keyQuery(ctx, p.teamId);
  if (!p.instanceAdmin) q = q.where('m.instance_admin', '=', 0);
  if (page.afterId) q = q.where('k.id', '>', page.afterId);
  const rows = await q.orderBy('k.id').limit(page.limit + 1).execute();
  return rows.map(toView);
}

/** Issues a new key for a member of the team (the caller by default); the key is answered once and stored hashed. Admins only. */
export async function createApiKeyFor(ctx: AppContext, p: Principal, input: { memberId?: string; name?: string }): Promise<{ view: ApiKeyView; key: string }> {
  requireAdmin(p, 'create API keys');
  const memberId = input.memberId ?? p.memberId;
  const member = await ctx.store.db.selectFrom('members').select(['id', 'instance_admin']).where('id', '=', memberId).where('team_id', '=', p.teamId).executeTakeFirst();
  if (!member) throw new NotFoundError('Member', memberId);
  requireAuthorityOver(p, member, 'create API keys');
  const { id, key } = await issueApiKey(ctx.store.db, { teamId: p.teamId, memberId, name: input.name ?? 'api' }, ctx.clock());
  return { view: toView(await findKey(ctx, p.teamId, id)), key };
}

/**
 * Revokes a key of the team: it stops authenticating at once in this process, and within PRINCIPAL_CACHE_TTL_MS
 * (2 s) in other processes on the same database, which may still hold it in their principal cache. Revoking an
 * already revoked key answers it unchanged. The key making the request cannot revoke itself (that would lock the
 * caller out mid-rotation); use another key. Only the instance admin revokes the instance admin's keys.
 */
export async function revokeApiKey(ctx: AppContext, p: Principal, id: string): Promise<ApiKeyView> {
  requireAdmin(p, 'revoke API keys');
  const existing = await findKey(ctx, p.teamId, id);
  requireAuthorityOver(p, existing, 'revoke API keys');
  if (existing.revoked_at !== null) return toView(existing);
  if (id === p.apiKeyId) {
    throw new ConflictError('This is the key making the request; revoke it with another admin key.', { id }, 'key_in_use');
  }
  await ctx.store.db.updateTable('api_keys').set({ revoked_at: ctx.clock() }).where('id', '=', id).where('team_id', '=', p.teamId).where('revoked_at', 'is', null).execute();
  // After the update has committed: a lookup that started before it cannot re-cache the key (the cache's ticket).
  principalCacheFor(ctx.store.db).clear();
  return toView(await findKey(ctx, p.teamId, id));
}
