import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';

/**
 * `GET /metrics` in Prometheus text format. No auth, like /healthz: it carries counts and latencies, never
 * team data, and scrapers rarely hold API keys. Restrict it at the load balancer when the API is public.
 */
export function registerMetricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const metrics = ctx.metrics;
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
