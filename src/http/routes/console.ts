import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { sendCatalogError } from '../error-handler.js';
import type { RouteOptions } from '../route-plugin.js';

/** Where the built console lives: `console/dist` next to the package.json above this file (works from src/ and dist/src/). */
export function defaultConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'console', 'dist');
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), 'console', 'dist');
    dir = up;
  }
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>labelhook</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>labelhook is running</h1>
<p>The web console has not been built. Run <code>npm run build</code> in the labelhook directory and reload this page.</p>
<p>The REST API is at <code>/api/v1</code>; its documentation is at <a href="/docs">/docs</a>.</p>
</body></html>`;

function apiNotFound(reply: FastifyReply, method: string, url: string): FastifyReply {
  // Same answer as the app's not-found handler: API clients must never get the console's HTML.
  return sendCatalogError(reply, 'route_not_found', `No route ${method} ${url}.`);
}

/** Where the console is served from: `dir` defaults to the built console next to the package. */
export interface ConsoleOptions extends RouteOptions {
  dir?: string;
}

/**
 * Serves the web console (docs/console.md) at `/`: hashed assets with long caching, and index.html for every
 * other GET outside `/api`, so reloading any console address works. Register after the API routes.
 */
export const consoleRoutes: FastifyPluginAsync<ConsoleOptions> = async (app, options) => {
  const dir = options.dir ?? defaultConsoleDir();
  const built = existsSync(join(dir, 'index.html'));
  if (built && existsSync(join(dir, 'assets'))) {
    // Vite puts every script and stylesheet under assets/ with a content hash in its name, so they can be
    // cached for good. Looked up per request: a rebuild's new files are served without a restart.
    await app.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      index: false,
      decorateReply: false,
      schemaHide: true,
      immutable: true,
      maxAge: '365d',
    });
  }
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path === '/api' || path.startsWith('/api/')) return apiNotFound(reply, request.method, request.url);
    if (!built) return reply.status(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT);
    // Read per request (it is small): a rebuilt console is served without restarting labelhook.
    const html = await readFile(join(dir, 'index.html'));
    return reply.status(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
};
