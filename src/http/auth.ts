import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateCached } from '../domain/api-keys.js';
import type { Principal } from '../domain/principal.js';
import { UnauthorizedError } from '../errors.js';
import type { Store } from '../store/db.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SIGNED_DOWNLOAD = /^\/api\/v1\/exports\/[^/?]+\/download(\?|$)/;

/** Authenticates every `/api/v1` request from `Authorization: Bearer <key>` (keys resolved in the last 2 s are cached). */
export function installAuth(app: FastifyInstance, store: Store): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/')) return;
    const header = request.headers.authorization;
    // A signed export download link stands in for the key (src/export/download-link.ts); a key sent along still counts.
    if (!header && SIGNED_DOWNLOAD.test(request.url)) return;
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) throw new UnauthorizedError();
    request.principal = await authenticateCached(store.db, m[1]!);
  });
}

/** The caller of an authenticated route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}
