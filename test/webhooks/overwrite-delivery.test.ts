import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bearer } from '../helpers/app.js';
import { addMember } from '../helpers/team-fixtures.js';
import { createProject, createWebhook, startReceiver, useEngineApp, type Received, type Receiver } from './receiver.js';

// An import that overwrites documents, as each format's receiver gets it over the wire.
describe.each(BACKENDS)('overwriting import on the wire, per format (%s)', (backend) => {
  const app = useEngineApp(backend);
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read loosely
  const bodies = (rs: Received[]): any[] => rs.map((r) => JSON.parse(r.body));

  /** A project with two documents (`keep` unlabeled, `edit` labeled), a webhook of `format`, then an overwriting import. */
  async function overwriteTo(format: string): Promise<{ received: Received[]; ids: Record<string, string>; projectId: string }> {
    const r = await startReceiver();
    receivers.push(r);
    const projectId = await createProject(app, `Overwrite ${format}`);
    const first = await app.api('POST', `/projects/${projectId}/documents`, { documents: [{ key: 'keep', text: 'same text' }, { key: 'edit', text: 'old text' }] });
    expect(first.status).toBe(201);
    const ids = Object.fromEntries(first.json.data.map((d: { key: string; id: string }) => [d.key, d.id])) as Record<string, string>;
    const labeler = await addMember(app.t.app, app.t.adminKey, 'labeler');
    const labeled = await app.t.app.inject({
      method: 'POST',
      url: `/api/v1/documents/${ids.edit}/labels`,
      headers: bearer(labeler),
      payload: { toUpsertList: [{ labelSetItemId: 'pos', startCharIndex: 0, endCharIndex: 3 }] },
    });
    expect(labeled.statusCode, labeled.body).toBe(200);
    await createWebhook(app, { url: r.url, events: ['TASKS_CREATED', 'TASKS_UPDATED', 'ANNOTATIONS_DELETED'], projectId, format });
    const res = await app.api('POST', `/projects/${projectId}/documents`, {
      documents: [{ key: 'keep', text: 'same text' }, { key: 'edit', text: 'new text' }, { key: 'added', text: 'brand new' }],
      onDuplicateKey: 'overwrite',
    });
    expect(res.status).toBe(201);
    ids.added = res.json.data[2].id;
    return { received: await r.waitFor((rs) => rs.length >= 3), ids, projectId };
  }

  it('standard: TASKS_CREATED for the new document, TASKS_UPDATED with documents and before, ANNOTATIONS_DELETED for the changed one', async () => {
    const { received, ids } = await overwriteTo('standard');
    const byType = new Map(bodies(received).map((b) => [b.type, b.data]));
    expect([...byType.keys()].sort()).toEqual(['ANNOTATIONS_DELETED', 'TASKS_CREATED', 'TASKS_UPDATED']);
    expect(byType.get('TASKS_CREATED').documents.map((d: { id: string }) => d.id)).toEqual([ids.added]);
    const updated = byType.get('TASKS_UPDATED');
    expect(updated.count).toBe(2);
    expect(updated.documents.map((d: { id: string; text: string }) => [d.id, d.text])).toEqual([
      [ids.keep, 'same text'],
      [ids.edit, 'new text'],
    ]);
    expect(updated.before.map((d: { id: string; text: string }) => [d.id, d.text])).toEqual([
      [ids.keep, 'same text'],
      [ids.edit, 'old text'],
    ]);
    expect(byType.get('ANNOTATIONS_DELETED').document.id).toBe(ids.edit);
    expect(byType.get('ANNOTATIONS_DELETED').annotations[0].labels).toHaveLength(1);
  });

  it("datasaur: TASKS_UPDATED in Datasaur's envelope, documents and before as Datasaur documents", async () => {
    const { received, ids, projectId } = await overwriteTo('datasaur');
    const updated = bodies(received).find((b) => b.eventType === 'TASKS_UPDATED');
    expect(Object.keys(updated.data)).toEqual(['timestamp', 'documents', 'before', 'count', 'user', 'project', 'team']);
    expect(updated.data.documents[1]).toMatchObject({ id: ids.edit, originId: ids.edit, key: 'edit', text: 'new text' });
    expect(Object.keys(updated.data.before[1])).toEqual(['id', 'originId', 'name', 'fileName', 'createdAt', 'lastSavedAt', 'key', 'text', 'data']);
    expect(updated.data.before[1]).toMatchObject({ id: ids.edit, text: 'old text' });
    expect(updated.data.project.id).toBe(projectId);
    expect(bodies(received).map((b) => b.eventType).sort()).toEqual(['ANNOTATIONS_DELETED', 'TASKS_CREATED', 'TASKS_UPDATED']);
  });

  it("label-studio: TASKS_UPDATED in TASKS_CREATED's shape, the tasks after the overwrite with the project", async () => {
    const { received, ids, projectId } = await overwriteTo('label-studio');
    const updated = bodies(received).find((b) => b.action === 'TASKS_UPDATED');
    expect(Object.keys(updated)).toEqual(['action', 'tasks', 'project']);
    expect(updated.tasks.map((t: { id: unknown; data: { text: string } }) => t.data.text)).toEqual(['same text', 'new text']);
    expect(String(updated.tasks[1].id) === ids.edit || typeof updated.tasks[1].id === 'number').toBe(true);
    expect(updated.project).toBeTruthy();
    expect(String(updated.project.id) === projectId || typeof updated.project.id === 'number').toBe(true);
    expect(bodies(received).map((b) => b.action).sort()).toEqual(['ANNOTATIONS_DELETED', 'TASKS_CREATED', 'TASKS_UPDATED']);
  });

  it('labelator: the ingested callback {docs} for the new and the overwritten documents, modified with no labels for the changed one', async () => {
    const { received, ids } = await overwriteTo('labelator');
    const all = bodies(received);
    const docs = all.filter((b) => 'docs' in b).flatMap((b) => b.docs);
    expect(docs.map((d: { id: string; key: string }) => `${d.key}:${d.id}`).sort()).toEqual([`added:${ids.added}`, `edit:${ids.edit}`, `keep:${ids.keep}`].sort());
    const modified = all.filter((b) => 'modified' in b).flatMap((b) => b.modified);
    expect(modified).toEqual([{ id: ids.edit, key: 'edit', labels: [] }]);
  });
});
