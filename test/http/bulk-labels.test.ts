import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectApi, type ApiAnswer } from '../helpers/api-client.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

// POST /projects/{id}/labels: several documents' label updates in one request, all or nothing, one ANNOTATIONS_CREATED.

describe.each(BACKENDS)('bulk label updates (%s)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(async () => t.close());

  const api = (method: string, url: string, payload?: unknown): Promise<ApiAnswer> => injectApi(t.app, t.adminKey).call(method, url, payload);

  async function setUp() {
    const p = (await api('POST', '/projects', { name: 'Bulk', labelSet: [{ id: 'per', label: 'PERSON' }] })).json;
    const docs = (await api('POST', `/projects/${p.id}/documents`, { documents: [{ text: 'Ada' }, { text: 'Bob' }, { text: 'Cy' }] })).json.data;
    return { p, docs };
  }

  const span = (end: number) => ({ toUpsertList: [{ labelSetItemId: 'per', startCharIndex: 0, endCharIndex: end }] });
  const eventTypes = async (projectId: string) => (await api('GET', `/events?projectId=${projectId}&limit=100`)).json.data.map((e: { type: string }) => e.type);

  it('applies every document’s update and emits one ANNOTATIONS_CREATED for the annotations created', async () => {
    const { p, docs } = await setUp();
    const res = await api('POST', `/projects/${p.id}/labels`, { documents: [{ documentId: docs[0].id, ...span(3) }, { documentId: docs[1].num, ...span(2) }] });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.data.map((d: { documentId: string; labels: unknown[] }) => [d.documentId, d.labels.length])).toEqual([[docs[0].id, 1], [docs[1].id, 1]]);
    const types = await eventTypes(p.id);
    expect(types.filter((x: string) => x === 'BEFORE_UPDATE_LABELS')).toHaveLength(2);
    expect(types.filter((x: string) => x === 'ANNOTATIONS_CREATED')).toHaveLength(1);
    expect(types).not.toContain('ANNOTATION_CREATED');
    const [event] = (await api('GET', `/events?projectId=${p.id}&type=ANNOTATIONS_CREATED`)).json.data;
    expect(event.data.annotations.map((a: { documentId: string }) => a.documentId)).toEqual([docs[0].id, docs[1].id]);
    expect(event.data.documents.map((d: { text: string }) => d.text)).toEqual(['Ada', 'Bob']);
    // A second bulk update of the same documents updates those annotations: no new ANNOTATIONS_CREATED.
    const labels = res.json.data[0].labels;
    await api('POST', `/projects/${p.num}/labels`, { documents: [{ documentId: docs[0].id, toUpsertList: [{ id: labels[0].id, endCharIndex: 2 }] }] });
    const after = await eventTypes(p.id);
    expect(after.filter((x: string) => x === 'ANNOTATIONS_CREATED')).toHaveLength(1);
    expect(after).toContain('ANNOTATION_UPDATED');
  });

  it('changes nothing when one document’s update is invalid, and refuses repeats, other projects and too much', async () => {
    const { p, docs } = await setUp();
    const before = (await eventTypes(p.id)).length;
    const bad = await api('POST', `/projects/${p.id}/labels`, { documents: [{ documentId: docs[0].id, ...span(3) }, { documentId: docs[1].id, ...span(99) }] });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe('offsets_out_of_range');
    expect((await api('GET', `/documents/${docs[0].id}/labels`)).json.data).toEqual([]);
    expect(await eventTypes(p.id)).toHaveLength(before);

    const repeated = await api('POST', `/projects/${p.id}/labels`, { documents: [{ documentId: docs[0].id, ...span(1) }, { documentId: String(docs[0].num), ...span(2) }] });
    expect(repeated.status).toBe(422);
    expect(repeated.json.error.code).toBe('duplicate_document');

    const elsewhere = await setUp();
    const foreign = await api('POST', `/projects/${p.id}/labels`, { documents: [{ documentId: elsewhere.docs[0].id, ...span(1) }] });
    expect(foreign.status).toBe(404);

    const many = Array.from({ length: 1001 }, (_, i) => ({ documentId: `doc_${i}`, ...span(1) }));
    const tooMany = await api('POST', `/projects/${p.id}/labels`, { documents: many });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.error).toMatchObject({ code: 'too_many_labels', details: { max: { documents: 1000, labels: 10000 } } });
    expect((await api('POST', `/projects/${p.id}/labels`, { documents: [] })).status).toBe(422);
    expect(await eventTypes(p.id)).toHaveLength(before);
  });
});
