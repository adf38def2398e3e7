import type { Principal } from './principal.js';

/**
 * How long a resolved API key is trusted without asking the database again. A revocation in this process clears
 * the cache at once; one made by another process (several API processes on one PostgreSQL) takes effect here
 * within this time. Members, teams and keys are otherwise never changed in place, so nothing else can go stale.
 */
export const PRINCIPAL_CACHE_TTL_MS = 2_000;

/** Most keys remembered; past it the oldest entry goes (a key per request would otherwise grow it without end). */
const MAX_ENTRIES = 10_000;

/**
 * Principals by API key hash, for one database. Authenticating was a SHA-256 plus a three-table join per request,
 * about a tenth of the write path's CPU; only keys that authenticated are kept, so a new key works at once.
 */
export interface PrincipalCache {
  /** The principal of `keyHash`, when resolved less than the TTL ago. */
  get(keyHash: string, now: number): Principal | undefined;
  /** A ticket to pass to `set`: a `clear` after it makes that `set` a no-op (the lookup raced a revocation). */
  ticket(): number;
  /** Remembers a principal resolved from the database with a ticket taken before the lookup. */
  set(keyHash: string, principal: Principal, now: number, ticket: number): void;
  /** Forgets everything (a key was revoked). */
  clear(): void;
}

/** A new, empty cache. */
export function createPrincipalCache(ttlMs = PRINCIPAL_CACHE_TTL_MS): PrincipalCache {
  const entries = new Map<string, { principal: Principal; expiresAt: number }>();
  let generation = 0;
  return {
    get(keyHash, now) {
      const e = entries.get(keyHash);
      if (!e) return undefined;
      if (e.expiresAt > now) return e.principal;
      entries.delete(keyHash);
      return undefined;
    },
    ticket: () => generation,
    set(keyHash, principal, now, ticket) {
      if (ticket !== generation) return;
      entries.delete(keyHash);
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(keyHash, { principal, expiresAt: now + ttlMs });
    },
    clear() {
      generation++;
      entries.clear();
    },
  };
}

// One cache per database handle (the root Kysely instance), so apps on different databases in one process
// (tests) never share entries.
const caches = new WeakMap<object, PrincipalCache>();

/** The principal cache of the database `db` (the store's root Kysely instance). */
export function principalCacheFor(db: object): PrincipalCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = createPrincipalCache();
    caches.set(db, cache);
  }
  return cache;
}
