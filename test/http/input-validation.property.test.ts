import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { insertDelivery } from '../helpers/delivery-rows.js';
import { fakeResolver } from '../helpers/fake-resolver.js';

const TABLES = ['teams', 'members', 'api_keys', 'projects', 'documents', 'completions', 'annotations', 'labels', 'events', 'webhooks', 'deliveries', 'attempts'] as const;

// Values that get past the first type checks, so random bodies reach the domain rules and not only the schema.
const plausible = fc.constantFrom('PROJECT_UPDATED', '*', 'standard', 'datasaur', 'http://127.0.0.1:9/hook', 'admin', 'labeler', 'SPAN', 'pos', 'a@b.c', '', ' ', '\u0000', 'x'.repeat(300));
const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), plausible, fc.array(fc.oneof(plausible, fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 }), fc.integer(), fc.constant(null));

// Deep values travel as a placeholder string that `render` expands into JSON text: a 10,000-level value would
// overflow the stack of JSON.stringify and of fast-check's printing long before it reached the server.
const deep = fc
  .tuple(fc.oneof(fc.integer({ min: 1, max: 80 }), fc.constantFrom(500, 10_000)), fc.boolean())
  .map(([levels, objects]) => `__deep_${levels}_${objects ? 'o' : 'a'}__`);

/** The JSON text of a body, each deep placeholder expanded to arrays or objects nested that many levels. */
function render(body: unknown): string {
  return JSON.stringify(body).replace(/"__deep_(\d+)_([oa])__"/g, (_m, n: string, kind: string) =>
    kind === 'o' ? '{"a":'.repeat(Number(n)) + '1' + '}'.repeat(Number(n)) : '['.repeat(Number(n)) + '1' + ']'.repeat(Number(n)),
  );
}
// Deep and wide values: around the nesting and key limits (src/http/json-limits.ts) and far past them.
const wide = fc.integer({ min: 1, max: 1_500 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i % 3 === 0 ? null : String(i)])));
const shaped = fc.oneof(deep, wide, fc.array(wide, { maxLength: 2 }));

function bodyFor(keys: string[]): fc.Arbitrary<unknown> {
  const field = fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: shaped });
  const known = keys.length > 0 ? fc.dictionary(fc.constantFrom(...keys), field, { maxKeys: keys.length }) : fc.dictionary(fc.string(), field);
  return fc.oneof({ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: shaped }, { weight: 3, arbitrary: known });
}

describe.each(BACKENDS)('input validation under random bodies (%s)', (backend) => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const routes: { method: 'POST' | 'PATCH'; path: string; keys: string[] }[] = [];

  /** Every row of every table, in a stable order: what a rejected request must leave untouched. */
  const snapshot = async (): Promise<string> => {
    const parts: unknown[] = [];
    for (const table of TABLES) {
      const order = table === 'events' ? 'seq' : 'id';
      parts.push((await sql`select * from ${sql.table(table)} order by ${sql.ref(order)}`.execute(t.ctx.store.db)).rows);
    }
    return JSON.stringify(parts);
  };

  beforeAll(async () => {
    // Random URLs must never reach real DNS: every name resolves through an empty table.
    t = await createTestApp(backend, { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'property-test-secret-key-0123456789' }, { lookup: fakeResolver({}) });
    const call = async (method: 'POST', url: string, body: unknown) => {
      const res = await t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(t.adminKey), payload: body as object });
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const project = await call('POST', '/projects', { name: 'fixture', labelSet: [{ id: 'pos', label: 'Positive' }] });
    ids.project = project.id;
    await call('POST', `/projects/${project.id}/documents`, { documents: [{ name: 'd1', text: 'hello world' }, { name: 'd2', text: 'second' }] });
    ids.document = (await t.ctx.store.db.selectFrom('documents').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
    const hook = await call('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['PROJECT_UPDATED'], projectId: project.id });
    ids.webhook = hook.id;
    const team = await t.ctx.store.db.selectFrom('webhooks').select('team_id').where('id', '=', hook.id).executeTakeFirstOrThrow();
    ids.delivery = await insertDelivery(t.ctx.store.db, { teamId: team.team_id, webhookId: hook.id, eventType: 'PROJECT_UPDATED', status: 'failed', createdAt: Date.now(), attempts: [] });
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: { content?: { 'application/json'?: { schema?: { properties?: Record<string, unknown> } } } } }>>;
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method !== 'post' && method !== 'patch') continue;
        const keys = Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {});
        routes.push({ method: method.toUpperCase() as 'POST' | 'PATCH', path, keys });
      }
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The route's path with its {id} filled with the fixture of the resource it names. */
  const concrete = (path: string): string =>
    path.replace('{id}', () => {
      if (path.startsWith('/api/v1/documents/')) return ids.document!;
      if (path.startsWith('/api/v1/webhooks/')) return ids.webhook!;
      if (path.startsWith('/api/v1/deliveries/')) return ids.delivery!;
      return ids.project!;
    });

  it('covers the API: every POST and PATCH route with a body is exercised', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/v1/projects', 'PATCH /api/v1/webhooks/{id}', 'POST /api/v1/documents/{id}/labels']));
  });

  it('random bodies never get a 5xx, and a rejected request changes nothing', { timeout: 240_000 }, async () => {
    for (const route of routes) {
      const url = concrete(route.path);
      await fc.assert(
        fc.asyncProperty(bodyFor(route.keys), async (body) => {
          const before = await snapshot();
          const res = await t.app.inject({
            method: route.method,
            url,
            headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
            payload: render(body),
          });
          const where = `${route.method} ${route.path} ${JSON.stringify(body).slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode >= 400) {
            expect(res.json(), where).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
            expect(await snapshot(), `a rejected request changed data: ${where}`).toBe(before);
          }
        }),
        { numRuns: 25 },
      );
    }
  });

  it('deep and wide document data and webhook headers never get a 5xx: 201/200 within the limits, 422 past them', { timeout: 120_000 }, async () => {
    const free = fc.oneof(shaped, value);
    await fc.assert(
      fc.asyncProperty(free, fc.constantFrom('documents', 'headers'), async (data, where) => {
        const [url, body] =
          where === 'documents'
            ? [`/api/v1/projects/${ids.project}/documents`, { documents: [{ name: `d${Math.random()}`, text: 't', data }] }]
            : [`/api/v1/webhooks/${ids.webhook}`, { headers: data }];
        const res = await t.app.inject({
          method: where === 'documents' ? 'POST' : 'PATCH',
          url,
          headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
          payload: render(body),
        });
        const what = `${url} ${JSON.stringify(body).slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.json().error.code, what).toEqual(expect.any(String));
      }),
      { numRuns: 60 },
    );
  });
});
