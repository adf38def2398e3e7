import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { UnavailableError } from '../../errors.js';
import { sendCatalogError } from '../error-handler.js';

/** `/healthz` (the process answers) and `/readyz` (the database answers too). */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ready', database: ctx.store.dialect };
    } catch (err) {
      // A lost or refused connection arrives as database_unavailable already, the driver's reason in its details.
      if (err instanceof UnavailableError) return sendCatalogError(reply, err.code, err.message, err.details);
      return sendCatalogError(reply, 'database_unavailable', undefined, { reason: (err as Error).message });
    }
  });
}
