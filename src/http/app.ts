import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { OpenStreams } from '../events/open-streams.js';
import { VERSION } from '../version.js';
import { apiRoutes, signedApiRoutes } from './api-routes.js';
import { decoratePrincipal } from './auth.js';
import { installErrorHandler } from './error-handler.js';
import { consoleRoutes } from './routes/console.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { installJsonLimits } from './json-limits.js';
import { DOCS_CSP, registerSecurityHeaders } from './security-headers.js';
import { capConnections, serverLimitOptions } from './server-limits.js';
import { schemaController } from './validators.js';

const API_PREFIX = '/api/v1';

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
  registerSecurityHeaders(app);
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
  decoratePrincipal(app);
  // Open event streams live on the root instance: shutdown and tests look at them there.
  const streams = new OpenStreams();
  app.decorate('eventStreams', streams);
  // Unauthenticated routes stay in the root scope; the key check is added inside the API scope only.
  registerHealthRoutes(app, ctx);
  registerMetricsRoutes(app, ctx);
  await app.register(apiRoutes, { prefix: API_PREFIX, ctx, streams });
  await app.register(signedApiRoutes, { prefix: API_PREFIX, ctx });
  await app.register(consoleRoutes, { ctx }); // last: its GET catch-all serves the console's index.html
  return app;
}
