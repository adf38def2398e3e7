import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app-context.js';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { consoleRoutes, defaultConsoleDir } from '../../src/http/routes/console.js';

describe('the console at /', () => {
  const dirs: string[] = [];
  let app: FastifyInstance | undefined;

  async function appServing(dir: string): Promise<FastifyInstance> {
    app = Fastify();
    installErrorHandler(app);
    app.get('/api/v1/things', async () => ({ ok: true }));
    await app.register(consoleRoutes, { ctx: {} as AppContext, dir });
    await app.ready();
    return app;
  }

  function builtConsole(): string {
    const dir = mkdtempSync(join(tmpdir(), 'labelhook-console-dist-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>labelhook console</title><script src="/assets/app-1234.js"></script>');
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log("hi")');
    return dir;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('serves index.html at / and for every console address, so reloading a page works', async () => {
    const a = await appServing(builtConsole());
    for (const url of ['/', '/webhooks/wh_1', '/deliveries?status=failed']) {
      const res = await a.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>labelhook console</title>');
    }
  });

  it('serves hashed assets with long-lived caching', async () => {
    const res = await (await appServing(builtConsole())).inject({ url: '/assets/app-1234.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toBe('console.log("hi")');
  });

  it('serves assets of a rebuild made while running, and 404s (not HTML) for a missing asset', async () => {
    const dir = builtConsole();
    const a = await appServing(dir);
    writeFileSync(join(dir, 'assets', 'app-5678.js'), 'console.log("rebuilt")');
    const fresh = await a.inject({ url: '/assets/app-5678.js' });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.body).toBe('console.log("rebuilt")');
    const missing = await a.inject({ url: '/assets/gone-0000.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/json');
  });

  it('never answers HTML for an unknown API path', async () => {
    const a = await appServing(builtConsole());
    const res = await a.inject({ url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'route_not_found' } });
    expect((await a.inject({ url: '/api/v1/things' })).json()).toEqual({ ok: true });
  });

  it('tells the operator to run npm run build when the console was not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'labelhook-console-none-'));
    dirs.push(empty);
    const res = await (await appServing(empty)).inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('npm run build');
  });

  it('looks for the build in console/dist of the package', () => {
    expect(defaultConsoleDir()).toMatch(/[/\\]console[/\\]dist$/);
  });
});
