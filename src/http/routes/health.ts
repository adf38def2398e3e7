import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { sendCatalogError } from '../error-handler.js';

/** `/healthz` (the process answers) and `/readyz` (the database answers too). */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ready', database: ctx.store.dialect };
    } catch (err) {
      return sendCatalogError(reply, 'database_unavailable', undefined, { reason: (err as Error).message });
    }
  });
}
