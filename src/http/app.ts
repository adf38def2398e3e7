import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { VERSION } from '../version.js';
import { installAuth } from './auth.js';
import { installErrorHandler } from './error-handler.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerDeliveriesListRoutes } from './routes/deliveries-list.js';
import { registerFormatRoutes } from './routes/formats.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerStatsRoutes } from './routes/stats.js';
import { registerDocumentRoutes } from './routes/documents.js';
import { registerLabelRoutes } from './routes/labels.js';
import { registerEventStreamRoutes } from './routes/event-stream.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMemberRoutes } from './routes/members.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerTeamRoutes } from './routes/teams.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { registerDeliveryRoutes } from './routes/deliveries.js';
import { installJsonLimits } from './json-limits.js';
import { DOCS_CSP, registerSecurityHeaders } from './security-headers.js';
import { capConnections, serverLimitOptions } from './server-limits.js';
import { schemaController } from './validators.js';
import { registerExportRoutes } from './routes/export.js';

/** Builds the HTTP app without listening (tests use `inject`). */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimitBytes,
    ...serverLimitOptions(ctx.config),
    logController: new LogController({ disableRequestLogging: true }),
    schemaController: schemaController(),
  });
  capConnections(app, ctx.config);
  installJsonLimits(app);
  installErrorHandler(app);
  await registerSecurityHeaders(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'labelhook API', version: VERSION, description: 'Labeling projects with dependable webhook notifications.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  installAuth(app, ctx.store);
  registerHealthRoutes(app, ctx);
  registerMetricsRoutes(app, ctx);
  // Route modules register below, one per resource.
  registerDocumentRoutes(app, ctx);
  registerLabelRoutes(app, ctx);
  registerTeamRoutes(app, ctx);
  registerMemberRoutes(app, ctx);
  registerProjectRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerEventStreamRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerFormatRoutes(app, ctx);
  registerStatsRoutes(app, ctx);
  registerDeliveriesListRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerDeliveryRoutes(app, ctx);
  registerExportRoutes(app, ctx);
  registerConsoleRoutes(app, ctx); // last: its GET catch-all serves the console's index.html
  return app;
}
