import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_LIMITS } from '../../src/http/json-limits.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';

const nestedArrays = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);
const nestedObjects = (levels: number, inner = '1') => '{"a":'.repeat(levels) + inner + '}'.repeat(levels);

describe.each(BACKENDS)('input hardening (%s)', (backend) => {
  let t: TestApp;
  let projectId: string;
  beforeAll(async () => {
    t = await createTestApp(backend, { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'input-hardening-secret-key-0123456789' });
    projectId = (await t.app.inject({ method: 'POST', url: '/api/v1/projects', headers: bearer(t.adminKey), payload: { name: 'p' } })).json().id;
  });
  afterAll(async () => t.close());

  const post = (url: string, body: string) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { ...bearer(t.adminKey), 'content-type': 'application/json' }, payload: body });

  describe('types are coerced', () => {
    it.each([
      ['a number for a string', '{"name": 42}'],
      ['a boolean for a string', '{"name": true}'],
      ['a one-item array for a string', '{"name": ["x"]}'],
    ])('POST /projects with %s is 422 validation_failed, and nothing is created', async (_what, body) => {
      const before = (await t.app.inject({ url: '/api/v1/projects?limit=100', headers: bearer(t.adminKey) })).json().data.length;
      const res = await post('/projects', body);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('validation_failed');
      expect((await t.app.inject({ url: '/api/v1/projects?limit=100', headers: bearer(t.adminKey) })).json().data.length).toBe(before);
    });

    it('refuses a string for a boolean and a scalar for an array in a webhook body', async () => {
      for (const body of ['{"url": "http://127.0.0.1:9/h", "events": "PING"}', '{"url": "http://127.0.0.1:9/h", "events": ["PING"], "enabled": "false"}', '{"url": "http://127.0.0.1:9/h", "events": ["PING"], "batch": {"maxSize": "10", "maxWaitMs": 0}}']) {
        const res = await post('/webhooks', body);
        expect(res.statusCode, body).toBe(422);
        expect(res.json().error.code).toBe('validation_failed');
      }
    });

    it('keeps the documented coercion of query strings (?limit=2 is the integer 2)', async () => {
      const res = await t.app.inject({ url: '/api/v1/projects?limit=2', headers: bearer(t.adminKey) });
      expect(res.statusCode).toBe(200);
      expect((await t.app.inject({ url: '/api/v1/projects?limit=two', headers: bearer(t.adminKey) })).statusCode).toBe(400);
    });
  });

  describe('deeply nested JSON is a 500', () => {
    it.each([
      ['10,000 nested arrays', nestedArrays(10_000)],
      ['10,000 nested objects', nestedObjects(10_000)],
      ['20,000 nested arrays around a string', nestedArrays(20_000, '"x"')],
      ['65 levels, one past the limit', nestedArrays(JSON_LIMITS.maxDepth)],
    ])('a document whose data nests %s is 422 json_too_deep naming the limit', async (_what, deep) => {
      const body = `{"documents":[{"name":"d","text":"t","data":${deep}}]}`;
      const res = await post(`/projects/${projectId}/documents`, body);
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'json_too_deep', details: { limit: JSON_LIMITS.maxDepth } });
      expect(res.json().error.message).toContain(String(JSON_LIMITS.maxDepth));
    });

    it('accepts data nested up to the limit', async () => {
      // The body, documents, the document and data take 4 levels.
      const body = `{"documents":[{"name":"deep-ok","text":"t","data":${nestedObjects(JSON_LIMITS.maxDepth - 4)}}]}`;
      const res = await post(`/projects/${projectId}/documents`, body);
      expect(res.statusCode, res.body).toBe(201);
    });

    it('refuses deep nesting on other routes too (webhook headers, a project patch, teams)', async () => {
      const deep = nestedArrays(10_000);
      for (const [method, url] of [['POST', '/webhooks'], ['PATCH', `/projects/${projectId}`], ['POST', '/teams']] as const) {
        const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: { ...bearer(t.adminKey), 'content-type': 'application/json' }, payload: `{"headers": ${deep}}` });
        expect(res.statusCode, url).toBe(422);
        expect(res.json().error.code).toBe('json_too_deep');
      }
    });

    it(`refuses an object with more than ${JSON_LIMITS.maxKeysPerObject} keys with 422 json_too_many_keys`, async () => {
      const wide = JSON.stringify(Object.fromEntries(Array.from({ length: JSON_LIMITS.maxKeysPerObject + 1 }, (_, i) => [`k${i}`, i])));
      const res = await post(`/projects/${projectId}/documents`, `{"documents":[{"name":"w","text":"t","data":${wide}}]}`);
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'json_too_many_keys', details: { limit: JSON_LIMITS.maxKeysPerObject, path: '/documents/0/data' } });
      const hook = await post('/webhooks', `{"url": "http://127.0.0.1:9/h", "events": ["PING"], "headers": ${wide}}`);
      expect(hook.statusCode).toBe(422);
    });
  });
});
