import type { FastifyPluginAsync } from 'fastify';
import type { OpenStreams } from '../events/open-streams.js';
import { acceptApiKey, requireApiKey } from './auth.js';
import type { RouteOptions, RoutePlugin } from './route-plugin.js';
import { deliveriesListRoutes } from './routes/deliveries-list.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { documentRoutes } from './routes/documents.js';
import { eventStreamRoutes } from './routes/event-stream.js';
import { eventRoutes } from './routes/events.js';
import { exportDownloadRoutes, exportRoutes } from './routes/export.js';
import { formatRoutes } from './routes/formats.js';
import { keyRoutes } from './routes/keys.js';
import { labelRoutes } from './routes/labels.js';
import { memberRoutes } from './routes/members.js';
import { projectRoutes } from './routes/projects.js';
import { statsRoutes } from './routes/stats.js';
import { teamRoutes } from './routes/teams.js';
import { webhookRoutes } from './routes/webhooks.js';

/** What the API scope is given: the app's context and its set of open event streams (`app.eventStreams`). */
export interface ApiOptions extends RouteOptions {
  streams: OpenStreams;
}

/** The route modules of the authenticated API, one per resource, each a plugin under `/api/v1` (OpenAPI lists them in this order). */
const RESOURCE_ROUTES: readonly RoutePlugin<ApiOptions>[] = [
  documentRoutes,
  labelRoutes,
  teamRoutes,
  memberRoutes,
  projectRoutes,
  eventRoutes,
  eventStreamRoutes,
  keyRoutes,
  formatRoutes,
  statsRoutes,
  deliveriesListRoutes,
  webhookRoutes,
  deliveryRoutes,
  exportRoutes,
];

/**
 * The REST API, registered with `prefix: '/api/v1'`: every route in this scope needs an API key (the hook is
 * added here, so routes outside it — health, metrics, console, docs — never see it).
 */
export const apiRoutes: FastifyPluginAsync<ApiOptions> = async (api, { ctx, streams }) => {
  api.addHook('onRequest', requireApiKey(ctx.store));
  for (const routes of RESOURCE_ROUTES) await api.register(routes, { ctx, streams });
  // Any other /api/v1 address: the key is checked first (401), then the usual 404.
  api.all('/*', { schema: { hide: true } }, async (_request, reply) => reply.callNotFound());
};

/** Routes under `/api/v1` that need no key: the signed export download. */
export const signedApiRoutes: FastifyPluginAsync<RouteOptions> = async (api, { ctx }) => {
  api.addHook('onRequest', acceptApiKey(ctx.store));
  await api.register(exportDownloadRoutes, { ctx });
  // Other methods on a download link: 404 as before, not the API scope's 401.
  api.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url: '/exports/:id/download', schema: { hide: true }, handler: async (_request, reply) => reply.callNotFound() });
};
