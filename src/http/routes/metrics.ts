import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { createMetrics } from '../../metrics/metrics.js';

/**
 * `GET /metrics` in Prometheus text format. No auth, like /healthz: it carries counts and latencies, never
 * team data, and scrapers rarely hold API keys. Restrict it at the load balancer when the API is public.
 */
export function registerMetricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  // startServer gives every process its metrics; an app built without them (tests) gets its own registry here.
  ctx.metrics ??= createMetrics({ store: ctx.store, clock: ctx.clock, logger: ctx.logger });
  const metrics = ctx.metrics;
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
