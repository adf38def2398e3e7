import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectApi, type ApiAnswer } from '../helpers/api-client.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { addTeam } from '../helpers/team-fixtures.js';

// The integer alias (`num`) a label-studio receiver gets as an id is accepted wherever the string id is.

describe.each(BACKENDS)('integer id aliases in the API (%s)', (backend) => {
  let t: TestApp;
  let other: { id: string; apiKey: string };
  beforeAll(async () => {
    t = await createTestApp(backend, { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'test-secret-key-0123456789abcdef' });
    other = await addTeam(t.app, t.adminKey);
  });
  afterAll(async () => t.close());

  const api = (method: string, url: string, payload?: unknown, key = t.adminKey): Promise<ApiAnswer> => injectApi(t.app, key).call(method, url, payload);

  async function project(name = 'Aliased') {
    const res = await api('POST', '/projects', { name, labelSet: [{ id: 'per', label: 'PERSON' }] });
    expect(res.status).toBe(201);
    return res.json;
  }

  it('gives projects, documents, members and teams unique integer aliases, documents in import order', async () => {
    const a = await project('A');
    const b = await project('B');
    expect(Number.isInteger(a.num) && Number.isInteger(b.num)).toBe(true);
    expect(b.num).toBeGreaterThan(a.num);
    const docs = (await api('POST', `/projects/${a.id}/documents`, { documents: [{ text: 'one' }, { text: 'two' }, { text: 'three' }] })).json.data;
    const nums = docs.map((d: { num: number }) => d.num);
    expect(nums).toEqual([...nums].sort((x, y) => x - y));
    expect(new Set(nums).size).toBe(3);
    const me = (await api('GET', '/me')).json;
    expect(Number.isInteger(me.member.num) && Number.isInteger(me.team.num)).toBe(true);
    const members = (await api('GET', '/members')).json.data;
    expect(members.every((m: { num: unknown }) => Number.isInteger(m.num))).toBe(true);
  });

  it('accepts the alias in project and document paths, answering the same resource', async () => {
    const p = await project();
    const [doc] = (await api('POST', `/projects/${p.num}/documents`, { documents: [{ key: 'x', text: 'Ada wrote code.' }] })).json.data;
    expect(doc.projectId).toBe(p.id);
    expect((await api('GET', `/projects/${p.num}`)).json).toEqual((await api('GET', `/projects/${p.id}`)).json);
    expect((await api('PATCH', `/projects/${p.num}`, { name: 'Renamed' })).json).toMatchObject({ id: p.id, num: p.num, name: 'Renamed' });
    expect((await api('GET', `/documents/${doc.num}`)).json).toMatchObject({ id: doc.id, num: doc.num, text: 'Ada wrote code.' });
    expect((await api('GET', `/projects/${p.num}/documents`)).json.data.map((d: { id: string }) => d.id)).toEqual([doc.id]);
    const labeled = await api('POST', `/documents/${doc.num}/labels`, { toUpsertList: [{ labelSetItemId: 'per', startCharIndex: 0, endCharIndex: 3 }] });
    expect(labeled.status).toBe(200);
    expect((await api('GET', `/documents/${doc.num}/labels`)).json.data).toHaveLength(1);
    expect((await api('POST', `/documents/${doc.num}/complete`, { mode: 'labeler' })).status).toBe(201);
    expect((await api('POST', `/projects/${p.num}/documents/exclude`, { ids: [String(doc.num)] })).json.data[0]).toMatchObject({ id: doc.id, status: 'excluded' });
    expect((await api('GET', `/events?projectId=${p.num}&limit=100`)).json.data.length).toBeGreaterThan(3);
    expect((await api('DELETE', `/projects/${p.num}/documents`, { ids: [String(doc.num)] })).json).toEqual({ deleted: 1, ids: [doc.id] });
    expect((await api('DELETE', `/projects/${p.num}`)).status).toBe(204);
    expect((await api('GET', `/projects/${p.id}`)).status).toBe(404);
  });

  it('answers 404 for an alias no row has, or another team’s, with the usual error body', async () => {
    const p = await project();
    const missing = await api('GET', '/projects/987654321');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'not_found', details: { resource: 'Project', id: '987654321' } });
    expect((await api('GET', `/projects/${p.num}`, undefined, other.apiKey)).status).toBe(404);
    expect((await api('GET', '/documents/987654321')).status).toBe(404);
    // Not an alias (leading zero, too long): looked up as a string id, so simply not found.
    expect((await api('GET', `/projects/0${p.num}`)).status).toBe(404);
    expect((await api('GET', '/projects/99999999999999999999')).status).toBe(404);
  });

  it('accepts the alias as a webhook projectId, as a JSON integer or a string, and stores the project’s id', async () => {
    const p = await project();
    const url = 'http://127.0.0.1:9/hook';
    const asInt = await api('POST', '/webhooks', { url, events: ['*'], projectId: p.num, format: 'label-studio' });
    expect(asInt.status).toBe(201);
    expect(asInt.json.projectId).toBe(p.id);
    const asString = await api('POST', '/webhooks', { url, events: ['*'], projectId: String(p.num) });
    expect(asString.json.projectId).toBe(p.id);
    const patched = await api('PATCH', `/webhooks/${asString.json.id}`, { projectId: p.num });
    expect(patched.json.projectId).toBe(p.id);
    expect((await api('GET', `/webhooks?projectId=${p.num}`)).json.data.map((w: { id: string }) => w.id).sort()).toEqual([asInt.json.id, asString.json.id].sort());
    const unknown = await api('POST', '/webhooks', { url, events: ['*'], projectId: 987654321 });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.code).toBe('unknown_project');
    expect((await api('POST', '/webhooks', { url, events: ['*'], projectId: 1.5 })).status).toBe(422);
  });

  it('saves Label Studio’s old event names as the names it sends', async () => {
    const res = await api('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['TASK_CREATED', 'TASK_DELETED', 'ANNOTATION_DELETED', 'TASKS_CREATED'], format: 'label-studio' });
    expect(res.status).toBe(201);
    expect(res.json.events).toEqual(['TASKS_CREATED', 'TASKS_DELETED', 'ANNOTATIONS_DELETED']);
    const patched = await api('PATCH', `/webhooks/${res.json.id}`, { events: ['ANNOTATION_DELETED'] });
    expect(patched.json.events).toEqual(['ANNOTATIONS_DELETED']);
    expect((await api('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['constructor'] })).json.error.code).toBe('unknown_event_type');
  });
});
