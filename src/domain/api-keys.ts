import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { UnauthorizedError } from '../errors.js';
import { newId } from '../ids.js';
import type { DatabaseSchema } from '../store/schema.js';
import { principalCacheFor } from './principal-cache.js';
import type { Principal } from './principal.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** SHA-256 hex of an API key: what is stored, so the database never holds a usable key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new random API key (`lh_` + 32 random bytes, base64url). */
export function generateApiKey(): string {
  return `lh_${randomBytes(32).toString('base64url')}`;
}

/** Stores a key for a member (the given one, or a new random one) and returns it; it is shown once. */
export async function issueApiKey(
  db: Db,
  input: { teamId: string; memberId: string; name: string; key?: string },
  now: number,
): Promise<{ id: string; key: string }> {
  const key = input.key ?? generateApiKey();
  const id = newId('key', now);
  await db
    .insertInto('api_keys')
    .values({
      id,
      team_id: input.teamId,
      member_id: input.memberId,
      key_hash: hashApiKey(key),
      prefix: key.slice(0, 8),
      name: input.name,
      created_at: now,
      revoked_at: null,
    })
    .execute();
  return { id, key };
}

/** Resolves an API key to its member; throws UnauthorizedError for an unknown or revoked key. */
export async function authenticate(db: Db, key: string): Promise<Principal> {
  return lookUpKeyHash(db, hashApiKey(key));
}

/**
 * Like authenticate, through the database's principal cache (src/domain/principal-cache.ts): a key that
 * authenticated less than PRINCIPAL_CACHE_TTL_MS ago is not looked up again. The principal answered is shared
 * and frozen. `db` is the store's root instance, never a transaction.
 */
export async function authenticateCached(db: Kysely<DatabaseSchema>, key: string): Promise<Principal> {
  const keyHash = hashApiKey(key);
  const cache = principalCacheFor(db);
  const hit = cache.get(keyHash, performance.now());
  if (hit) return hit;
  const ticket = cache.ticket();
  const principal = Object.freeze(await lookUpKeyHash(db, keyHash));
  cache.set(keyHash, principal, performance.now(), ticket);
  return principal;
}

/** Which of the key ids `ids` no longer authenticate (revoked, or gone): open event streams end for them. */
export async function unusableKeyIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const live = await db.selectFrom('api_keys').select('id').where('id', 'in', ids).where('revoked_at', 'is', null).execute();
  const ok = new Set(live.map((r) => r.id));
  return new Set(ids.filter((id) => !ok.has(id)));
}

async function lookUpKeyHash(db: Db, keyHash: string): Promise<Principal> {
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('members as m', 'm.id', 'k.member_id')
    .innerJoin('teams as t', 't.id', 'k.team_id')
    .select([
      'k.id as keyId',
      'k.revoked_at',
      'm.id as memberId',
      'm.num as memberNum',
      'm.email',
      'm.name',
      'm.role',
      'm.instance_admin',
      't.id as teamId',
      't.name as teamName',
      't.num as teamNum',
    ])
    .where('k.key_hash', '=', keyHash)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) throw new UnauthorizedError('The API key is unknown or revoked.');
  return {
    teamId: row.teamId,
    teamName: row.teamName,
    memberId: row.memberId,
    email: row.email,
    name: row.name,
    role: row.role,
    instanceAdmin: row.instance_admin === 1,
    apiKeyId: row.keyId,
    teamNum: Number(row.teamNum),
    memberNum: Number(row.memberNum),
  };
}
