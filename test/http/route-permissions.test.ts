import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { insertDelivery } from '../helpers/delivery-rows.js';
import { fakeResolver } from '../helpers/fake-resolver.js';
import { addMember, addTeam } from '../helpers/team-fixtures.js';

/** Who calls: no key, another team's admin, then the default team's labeler, reviewer, (plain) admin and instance admin. */
const ROLES = ['none', 'otherTeamAdmin', 'labeler', 'reviewer', 'admin', 'instanceAdmin'] as const;
type Role = (typeof ROLES)[number];

/** The resources of one fresh fixture: every call runs on its own, so one role's change never decides another's answer. */
interface Fixture {
  project: string;
  document: string;
  webhook: string;
  delivery: string;
  event: string;
  key: string;
  exportJob: string;
}

interface Case {
  /** Statuses for ROLES, in order. */
  expect: [number, number, number, number, number, number];
  body?: (f: Fixture) => object;
  query?: string;
}

let unique = 0;
const EVERYONE_OWN = (status: number): Case['expect'] => [401, status, status, status, status, status];
const ADMINS_ONLY = (status: number, otherTeam = 404): Case['expect'] => [401, otherTeam, 403, 403, status, status];

/**
 * The expected answer of every operation in /openapi.json for every role on a fresh resource of the default team.
 * An operation missing here fails the test: a new route must state who may call it.
 */
const TABLE: Record<string, Case> = {
  'GET /api/v1/me': { expect: EVERYONE_OWN(200) },
  'POST /api/v1/teams': { expect: [401, 403, 403, 403, 403, 201], body: () => ({ name: `T${++unique}` }) },
  'POST /api/v1/members': { expect: ADMINS_ONLY(201, 201), body: () => ({ email: `m${++unique}@example.test`, role: 'labeler' }) },
  'GET /api/v1/members': { expect: ADMINS_ONLY(200, 200) },
  'GET /api/v1/keys': { expect: ADMINS_ONLY(200, 200) },
  'POST /api/v1/keys': { expect: ADMINS_ONLY(201, 201), body: () => ({ name: 'table' }) },
  'DELETE /api/v1/keys/{id}': { expect: ADMINS_ONLY(200) },
  'POST /api/v1/projects': { expect: ADMINS_ONLY(201, 201), body: () => ({ name: 'P' }) },
  'GET /api/v1/projects': { expect: EVERYONE_OWN(200) },
  'GET /api/v1/projects/{id}': { expect: [401, 404, 200, 200, 200, 200] },
  'PATCH /api/v1/projects/{id}': { expect: ADMINS_ONLY(200), body: () => ({ name: 'Renamed' }) },
  'DELETE /api/v1/projects/{id}': { expect: ADMINS_ONLY(204) },
  'POST /api/v1/projects/{id}/complete': { expect: [401, 404, 200, 403, 200, 200], body: () => ({ mode: 'labeler' }) },
  'GET /api/v1/projects/{id}/documents': { expect: [401, 404, 200, 200, 200, 200] },
  'POST /api/v1/projects/{id}/documents': { expect: ADMINS_ONLY(201), body: () => ({ documents: [{ name: `d${++unique}`, text: 'text' }] }) },
  'DELETE /api/v1/projects/{id}/documents': { expect: ADMINS_ONLY(200), body: (f) => ({ ids: [f.document] }) },
  'POST /api/v1/projects/{id}/documents/exclude': { expect: ADMINS_ONLY(200), body: (f) => ({ ids: [f.document] }) },
  'GET /api/v1/documents/{id}': { expect: [401, 404, 200, 200, 200, 200] },
  'POST /api/v1/documents/{id}/complete': { expect: [401, 404, 201, 201, 201, 201], body: () => ({ mode: 'labeler' }) },
  'GET /api/v1/documents/{id}/labels': { expect: [401, 404, 200, 200, 200, 200] },
  'POST /api/v1/documents/{id}/labels': {
    expect: [401, 404, 200, 200, 200, 200],
    body: () => ({ toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 4 }] }),
  },
  'GET /api/v1/events': { expect: EVERYONE_OWN(200) },
  'GET /api/v1/events/{id}': { expect: [401, 404, 200, 200, 200, 200] },
  'GET /api/v1/events/stream': { expect: EVERYONE_OWN(200) },
  'GET /api/v1/formats/{format}/sample': { expect: EVERYONE_OWN(200) },
  'GET /api/v1/stats/deliveries': { expect: ADMINS_ONLY(200, 200) },
  'GET /api/v1/stats/webhooks': { expect: ADMINS_ONLY(200, 200) },
  'GET /api/v1/deliveries': { expect: ADMINS_ONLY(200, 200) },
  'GET /api/v1/deliveries/{id}': { expect: ADMINS_ONLY(200) },
  'POST /api/v1/deliveries/{id}/redeliver': { expect: ADMINS_ONLY(200) },
  'POST /api/v1/webhooks': { expect: ADMINS_ONLY(201, 201), body: () => ({ url: 'http://127.0.0.1:9/hook', events: ['*'] }) },
  'GET /api/v1/webhooks': { expect: ADMINS_ONLY(200, 200) },
  'GET /api/v1/webhooks/{id}': { expect: ADMINS_ONLY(200) },
  'PATCH /api/v1/webhooks/{id}': { expect: ADMINS_ONLY(200), body: () => ({ description: 'changed' }) },
  'DELETE /api/v1/webhooks/{id}': { expect: ADMINS_ONLY(204) },
  'GET /api/v1/webhooks/{id}/secret': { expect: ADMINS_ONLY(200) },
  'POST /api/v1/webhooks/{id}/rotate-secret': { expect: ADMINS_ONLY(200), body: () => ({}) },
  'POST /api/v1/webhooks/{id}/test': { expect: ADMINS_ONLY(200), body: () => ({}) },
  'GET /api/v1/webhooks/{id}/deliveries': { expect: ADMINS_ONLY(200) },
  'POST /api/v1/webhooks/{id}/replay': { expect: ADMINS_ONLY(200), body: () => ({ since: '2000-01-01T00:00:00Z', dryRun: true }) },
  'POST /api/v1/projects/{id}/labels': {
    expect: [401, 404, 200, 200, 200, 200],
    body: (f) => ({ documents: [{ documentId: f.document, toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 4 }] }] }),
  },
  'GET /api/v1/projects/{id}/export': { expect: EVERYONE_OWN(200).map((s, i) => (i === 1 ? 404 : s)) as Case['expect'] },
  'POST /api/v1/projects/{id}/exports': { expect: [401, 404, 202, 202, 202, 202], body: () => ({ format: 'jsonl' }) },
  'GET /api/v1/projects/{id}/exports': { expect: [401, 404, 200, 200, 200, 200] },
  'GET /api/v1/exports/{id}': { expect: [401, 404, 200, 200, 200, 200] },
  // A download link is its own credential: without a valid signature nobody, key or not, gets the file.
  'GET /api/v1/exports/{id}/download': { expect: [403, 404, 403, 403, 403, 403], query: '?expires=4102444800000&sig=forged' },
};

describe.each(BACKENDS)('every route × role × team, generated from /openapi.json (%s)', (backend) => {
  let t: TestApp;
  let base: string;
  let teamId: string;
  const keys = {} as Record<Exclude<Role, 'none'>, string>;
  const operations: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(
      backend,
      { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'route-table-secret-key-0123456789', requestTimeoutMs: 1000, connectTimeoutMs: 500 },
      { lookup: fakeResolver({}) },
    );
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    keys.instanceAdmin = t.adminKey;
    keys.admin = await addMember(t.app, t.adminKey, 'admin');
    keys.labeler = await addMember(t.app, t.adminKey, 'labeler');
    keys.reviewer = await addMember(t.app, t.adminKey, 'reviewer');
    keys.otherTeamAdmin = (await addTeam(t.app, t.adminKey, 'Table neighbours')).apiKey;
    teamId = (await t.app.inject({ url: '/api/v1/me', headers: bearer(t.adminKey) })).json().team.id;
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    for (const [path, ops] of Object.entries(doc.paths)) for (const method of Object.keys(ops)) operations.push(`${method.toUpperCase()} ${path}`);
  });
  afterAll(async () => t?.close());

  const as = (key: string) => ({ ...bearer(key), 'content-type': 'application/json' });
  /** A call's headers: its key (none for 'none'), and a JSON content type only when it sends a body. */
  const headersFor = (role: Role, withBody: boolean): Record<string, string> => ({
    ...(role === 'none' ? {} : bearer(keys[role])),
    ...(withBody ? { 'content-type': 'application/json' } : {}),
  });

  async function fixture(): Promise<Fixture> {
    const admin = as(t.adminKey);
    const project = (await t.app.inject({ method: 'POST', url: '/api/v1/projects', headers: admin, payload: { name: 'Fixture', labelSet: [{ id: 'pos', label: 'Positive' }] } })).json().id as string;
    await t.app.inject({ method: 'POST', url: `/api/v1/projects/${project}/documents`, headers: admin, payload: { documents: [{ name: `doc${++unique}`, text: 'some text to label' }] } });
    const document = (await t.app.inject({ url: `/api/v1/projects/${project}/documents`, headers: admin })).json().data[0].id as string;
    const webhook = (await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin, payload: { url: 'http://127.0.0.1:9/hook', events: ['PING'] } })).json().id as string;
    const delivery = await insertDelivery(t.ctx.store.db, { teamId, webhookId: webhook, eventType: 'PING', status: 'failed', createdAt: Date.now(), attempts: [] });
    const event = (await t.app.inject({ url: `/api/v1/events?projectId=${project}`, headers: admin })).json().data[0].id as string;
    const labelerId = (await t.app.inject({ url: '/api/v1/me', headers: bearer(keys.labeler) })).json().member.id as string;
    const key = (await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: admin, payload: { memberId: labelerId, name: 'doomed' } })).json().id as string;
    const exportJob = (await t.app.inject({ method: 'POST', url: `/api/v1/projects/${project}/exports`, headers: admin, payload: {} })).json().id as string;
    // The webhook cap must not decide any answer.
    await t.ctx.store.db.deleteFrom('webhooks').where('team_id', '<>', teamId).execute();
    return { project, document, webhook, delivery, event, key, exportJob };
  }

  function concrete(path: string, f: Fixture): string {
    return path
      .replace('{format}', 'standard')
      .replace('{id}', () => {
        if (path.startsWith('/api/v1/documents/')) return f.document;
        if (path.startsWith('/api/v1/webhooks/')) return f.webhook;
        if (path.startsWith('/api/v1/deliveries/')) return f.delivery;
        if (path.startsWith('/api/v1/events/')) return f.event;
        if (path.startsWith('/api/v1/keys/')) return f.key;
        if (path.startsWith('/api/v1/exports/')) return f.exportJob;
        return f.project;
      });
  }

  async function status(role: Role, method: string, url: string, body: object | undefined): Promise<number> {
    const headers = headersFor(role, body !== undefined);
    if (url.endsWith('/events/stream')) {
      // An endless response: its status is all there is to see.
      const abort = new AbortController();
      const res = await fetch(`${base}${url}`, { headers, signal: abort.signal });
      abort.abort();
      return res.status;
    }
    const res = await t.app.inject({ method: method as 'GET', url, headers, ...(body ? { payload: body } : {}) });
    expect(res.statusCode, `${role} ${method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
    return res.statusCode;
  }

  it('states an expectation for every operation of the OpenAPI document, and none for a route that is gone', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter((op) => !(op in TABLE)), 'operations without a row in TABLE').toEqual([]);
    expect(Object.keys(TABLE).filter((op) => !operations.includes(op)), 'rows of TABLE without an operation').toEqual([]);
  });

  it('answers every role as the table says', { timeout: 240_000 }, async () => {
    const mismatches: string[] = [];
    for (const op of operations) {
      const row = TABLE[op];
      if (!row) continue;
      const [method, path] = op.split(' ') as [string, string];
      const got: number[] = [];
      for (const role of ROLES) {
        const f = await fixture();
        got.push(await status(role, method, concrete(path, f) + (row.query ?? ''), row.body?.(f)));
      }
      if (got.join() !== row.expect.join()) mismatches.push(`${op}: expected [${row.expect.join(', ')}], got [${got.join(', ')}]`);
    }
    expect(mismatches).toEqual([]);
  });
});
