import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { addProject } from '../helpers/team-fixtures.js';

describe.each(BACKENDS)('bulk import (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t.close());

  it('imports 10,000 documents in one request as one TASKS_CREATED event carrying all of them', async () => {
    const project = await addProject(t.app, t.adminKey);
    const documents = Array.from({ length: 10_000 }, (_, i) => ({ key: `row-${i}`, text: `Review number ${i}: it works.`, data: { i } }));
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/projects/${project.id}/documents`, headers: bearer(t.adminKey), payload: { documents } });
    expect(res.statusCode).toBe(201);
    const answered = res.json().data as { id: string; key: string }[];
    expect(answered).toHaveLength(10_000);
    expect(answered.map((d) => d.key)).toEqual(documents.map((d) => d.key));
    // The large answer is streamed in slices; it is the same JSON a document read answers.
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({ created: 10_000, replaced: 0, labelsRemoved: 0 });
    for (const i of [0, 499, 500, 9_999]) {
      const one = await t.app.inject({ url: `/api/v1/documents/${answered[i]!.id}`, headers: bearer(t.adminKey) });
      expect(answered[i]).toEqual(one.json());
    }

    const stored = await t.ctx.store.db.selectFrom('documents').select('key').where('project_id', '=', project.id).orderBy('id').execute();
    expect(stored.map((r) => r.key)).toEqual(documents.map((d) => d.key));

    const events = await t.ctx.store.db.selectFrom('events').select(['type', 'data']).where('project_id', '=', project.id).where('type', '=', 'TASKS_CREATED').execute();
    expect(events).toHaveLength(1);
    const envelope = JSON.parse(events[0]!.data) as { data: { count: number; documents: { id: string; key: string; text: string; data: unknown }[] } };
    expect(envelope.data.count).toBe(10_000);
    expect(envelope.data.documents).toHaveLength(10_000);
    expect(envelope.data.documents[9_999]).toMatchObject({ id: answered[9_999]!.id, key: 'row-9999', text: 'Review number 9999: it works.', data: { i: 9_999 } });

    // A second import of one of those keys is refused as a whole.
    const dup = await t.app.inject({
      method: 'POST',
      url: `/api/v1/projects/${project.id}/documents`,
      headers: bearer(t.adminKey),
      payload: { documents: [{ key: 'new' }, { key: 'row-4321' }] },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.details.keys).toEqual(['row-4321']);
  });
});
