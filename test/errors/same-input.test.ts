import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addProject } from '../helpers/team-fixtures.js';

// One parser per kind of input: the same bad value gets the same code and status on every route that reads it.
describe.each(BACKENDS)('the same bad input, the same error everywhere (%s)', (backend) => {
  let t: TestApp;
  let projectId: string;
  let webhookId: string;

  beforeAll(async () => {
    t = await createTestApp(backend, { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'test-secret-key-0123456789abcdef' });
    projectId = (await addProject(t.app, t.adminKey, { name: 'P' })).id;
    const hook = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: bearer(t.adminKey), payload: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
    expect(hook.statusCode).toBe(201);
    webhookId = hook.json().id;
  });
  afterAll(async () => t.close());

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(t.adminKey), ...(payload ? { payload } : {}) });

  it.each(['yesterday', '2025', 'not-a-date', '2025-13-45T00:00:00Z'])('a since of "%s" is 400 invalid_since on every route that takes one', async (since) => {
    const q = encodeURIComponent(since);
    const answers = await Promise.all([
      call('GET', `/api/v1/events?since=${q}`),
      call('GET', `/api/v1/deliveries?since=${q}`),
      call('GET', `/api/v1/webhooks/${webhookId}/deliveries?since=${q}`),
      call('POST', `/api/v1/webhooks/${webhookId}/replay`, { since }),
      call('GET', `/api/v1/projects/${projectId}/export?since=${q}`),
      call('POST', `/api/v1/projects/${projectId}/exports`, { since }),
    ]);
    for (const res of answers) {
      expect([res.statusCode, res.json().error.code, res.json().error.details]).toEqual([400, 'invalid_since', { parameter: 'since', value: since }]);
    }
  });

  it('a cursor a list did not hand out is 400 invalid_cursor on every list', async () => {
    const foreign = Buffer.from('not a key!').toString('base64url');
    const lists = ['/api/v1/events', '/api/v1/projects', '/api/v1/members', '/api/v1/keys', '/api/v1/webhooks', '/api/v1/deliveries', `/api/v1/projects/${projectId}/documents`];
    for (const url of lists) {
      const res = await call('GET', `${url}?cursor=${foreign}`);
      expect([url, res.statusCode, res.json().error.code]).toEqual([url, 400, 'invalid_cursor']);
    }
  });
});
