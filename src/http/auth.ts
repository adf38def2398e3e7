import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { authenticateCached } from '../domain/api-keys.js';
import type { Principal } from '../domain/principal.js';
import { UnauthorizedError } from '../errors.js';
import type { Store } from '../store/db.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Gives every request a `principal` (null until a key check sets it). */
export function decoratePrincipal(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
}

/** onRequest hook of the `/api/v1` scope: `Authorization: Bearer <key>` is required (keys resolved in the last 2 s are cached). */
export function requireApiKey(store: Store): onRequestAsyncHookHandler {
  return async (request) => {
    request.principal = await authenticate(store, request.headers.authorization);
  };
}

/** onRequest hook of the signed download: the link stands in for the key, but a key sent along still counts. */
export function acceptApiKey(store: Store): onRequestAsyncHookHandler {
  return async (request) => {
    const header = request.headers.authorization;
    if (header) request.principal = await authenticate(store, header);
  };
}

async function authenticate(store: Store, header: string | undefined): Promise<Principal> {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) throw new UnauthorizedError();
  return authenticateCached(store.db, m[1]!);
}

/** The caller of an authenticated route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}
