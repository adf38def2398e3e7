import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';

describe.each(BACKENDS)('health, docs and errors (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t.close());

  it('answers /healthz and /readyz when the database is reachable', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', database: backend });
  });

  it('serves an OpenAPI 3.1 document and browsable docs', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect((await t.app.inject('/docs/')).statusCode).toBe(200);
  });

  it('refuses /api/v1 without a key (401) and with an unknown key (401)', async () => {
    const none = await t.app.inject('/api/v1/projects');
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const bad = await t.app.inject({ url: '/api/v1/projects', headers: bearer('lh_nope') });
    expect(bad.statusCode).toBe(401);
  });

  it('answers an unknown route with the error format', async () => {
    const res = await t.app.inject({ url: '/api/v1/nothing-here', headers: bearer(t.adminKey) });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'route_not_found' });
  });
});
