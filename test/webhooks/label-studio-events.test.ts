import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/event.js';
import { eventFromRow } from '../../src/events/outbox.js';
import { labelStudioBody } from '../../src/webhooks/formats/label-studio.js';
import { BACKENDS } from '../helpers/backends.js';
import { expectLabelStudioShape, LS_ACTION_KEYS, LS_ANNOTATION, LS_PROJECT, LS_TASK } from './formats/label-studio-fields.js';
import { createWebhook, startReceiver, useEngineApp, type Receiver } from './receiver.js';

// Label Studio's bodies built from the events labelhook really emits (every emission site), checked key set by key
// set against Label Studio 1.22's objects, with integer ids that the API takes back; and on the wire.

const TEXTS = ['Ada met Bob in Paris.', 'Globex refunds Carol.', 'Nothing here.'];

describe.each(BACKENDS)('label-studio dialect from real events (%s)', (backend) => {
  const app = useEngineApp(backend);
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  async function events(projectId: string): Promise<StoredEvent[]> {
    const rows = await app.t.ctx.store.db.selectFrom('events').select(['seq', 'data']).where('project_id', '=', projectId).orderBy('seq').execute();
    return rows.map(eventFromRow);
  }

  async function ok(method: string, url: string, body?: unknown, status = 200) {
    const res = await app.api(method, url, body);
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.json)}`).toBe(status);
    return res.json;
  }

  /** Runs every action once, mostly calling back with the integer ids, as a Label Studio receiver would. */
  async function story() {
    const project = await ok('POST', '/projects', { name: 'NER', labelSet: [{ id: 'per', label: 'PERSON', color: '#ff0000' }] }, 201);
    expect(Number.isInteger(project.num)).toBe(true);
    await ok('PATCH', `/projects/${project.num}`, { name: 'NER v2' });
    const docs = (await ok('POST', `/projects/${project.num}/documents`, { documents: TEXTS.map((text, i) => ({ key: `k${i}`, text, data: { source: 'mail' } })) }, 201)).data;
    await ok('POST', `/documents/${docs[0].num}/labels`, { toUpsertList: [{ labelSetItemId: 'per', startCharIndex: 0, endCharIndex: 3 }] });
    const [first] = (await ok('GET', `/documents/${docs[0].num}/labels`)).data;
    await ok('POST', `/documents/${docs[0].num}/labels`, { toUpsertList: [{ id: first.id, endCharIndex: 2 }] });
    await ok('POST', `/projects/${project.num}/labels`, {
      documents: [
        { documentId: docs[1].num, toUpsertList: [{ labelSetItemId: 'per', startCharIndex: 15, endCharIndex: 20 }] },
        { documentId: String(docs[2].num), toUpsertList: [{ labelSetItemId: 'per', type: 'DOCUMENT' }] },
      ],
    });
    await ok('POST', `/documents/${docs[1].num}/complete`, { mode: 'labeler' }, 201);
    await ok('POST', `/documents/${docs[0].num}/labels`, { toDeleteList: [{ id: first.id }] });
    await ok('DELETE', `/projects/${project.num}/documents`, { ids: [String(docs[2].num)] });
    return { project, docs };
  }

  it('every action’s body has exactly Label Studio’s keys and value types, integer ids the API answered', async () => {
    const { project, docs } = await story();
    const me = await ok('GET', '/me');
    await ok('DELETE', `/projects/${project.num}`, undefined, 204);
    const all = await events(project.id);
    const byType = (t: string) => all.filter((e) => e.type === t);
    expect(all.map((e) => e.type)).toEqual(
      expect.arrayContaining(['PROJECT_CREATED', 'PROJECT_UPDATED', 'TASKS_CREATED', 'ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_CREATED', 'TASK_COMPLETED', 'ANNOTATIONS_DELETED', 'TASKS_DELETED', 'PROJECT_DELETED']),
    );
    const nums = docs.map((d: { num: number }) => d.num);
    for (const e of all) {
      const b = labelStudioBody(e, { sendPayload: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely
      if (LS_ACTION_KEYS[e.type]) expect(Object.keys(b), e.type).toEqual(LS_ACTION_KEYS[e.type]);
      if (e.type === 'PROJECT_DELETED') {
        expect(b.project).toEqual({ id: project.num });
        continue;
      }
      expectLabelStudioShape(b.project, LS_PROJECT, `${e.type} project`);
      expect(b.project).toMatchObject({ id: project.num, organization: me.team.num, created_by: me.member.num, title: expect.any(String) });
      for (const task of [b.task, ...(b.tasks && e.type !== 'TASKS_DELETED' ? b.tasks : [])].flat().filter(Boolean)) {
        expectLabelStudioShape(task, LS_TASK, `${e.type} task`);
        expect(task.project).toBe(project.num);
        expect(nums).toContain(task.id);
        // Every event with a task carries the document's text and data.
        expect(task.data, `${e.type} task.data`).toEqual({ source: 'mail', text: TEXTS[nums.indexOf(task.id)] });
      }
      for (const a of [b.annotation].flat().filter(Boolean)) {
        expectLabelStudioShape(a, LS_ANNOTATION, `${e.type} annotation`);
        expect(a).toMatchObject({ project: project.num, completed_by: me.member.num });
        expect(nums).toContain(a.task);
      }
    }
    const created = labelStudioBody(byType('ANNOTATIONS_CREATED')[0]!, { sendPayload: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely
    expect(created.annotation.map((a: { task: number }) => a.task)).toEqual([nums[1], nums[2]]);
    expect(created.task.map((t: { is_labeled: boolean }) => t.is_labeled)).toEqual([true, true]);
    expect(created.project).toMatchObject({ task_number: 3, total_annotations_number: 3, num_tasks_with_annotations: 3, result_count: 3 });
    const deleted = labelStudioBody(byType('TASKS_DELETED')[0]!, { sendPayload: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely
    expect(deleted.tasks).toEqual([{ id: nums[2] }]);
    expect(deleted.project.task_number).toBe(2);
    const gone = labelStudioBody(byType('ANNOTATIONS_DELETED')[0]!, { sendPayload: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely
    const createdFirst = labelStudioBody(byType('ANNOTATION_CREATED')[0]!, { sendPayload: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely
    expect(gone.annotations).toEqual([{ id: createdFirst.annotation.id }]);
  });

  it('delivers ANNOTATION_CREATED to a loopback receiver with the document text under task.data.text', async () => {
    const r = await startReceiver();
    receivers.push(r);
    const project = await ok('POST', '/projects', { name: 'ML backend', labelSet: [{ id: 'per', label: 'PERSON' }] }, 201);
    await createWebhook(app, { url: r.url, events: ['ANNOTATION_CREATED'], projectId: project.num, format: 'label-studio' });
    const [doc] = (await ok('POST', `/projects/${project.id}/documents`, { documents: [{ text: 'Ada Lovelace wrote the first program.' }] }, 201)).data;
    await ok('POST', `/documents/${doc.id}/labels`, { toUpsertList: [{ labelSetItemId: 'per', startCharIndex: 0, endCharIndex: 12 }] });
    const [got] = await r.waitFor((rs) => rs.length === 1);
    const b = JSON.parse(got!.body);
    expect(b.action).toBe('ANNOTATION_CREATED');
    // What label-studio-ml-backend reads: project.id and label_config, task.data[<variable>], annotation.result.
    expect(b.project.id).toBe(project.num);
    expect(b.project.label_config).toContain('value="$text"');
    expect(b.task).toMatchObject({ id: doc.num, project: project.num, data: { text: 'Ada Lovelace wrote the first program.' } });
    expect(b.annotation.result[0]).toMatchObject({ from_name: 'label', to_name: 'text', type: 'labels', value: { start: 0, end: 12, labels: ['PERSON'] } });
    expect(b.annotation.task).toBe(doc.num);
  });

  it('PROJECT_DELETED reaches the team-wide label-studio webhook only, never the project-scoped one', async () => {
    const scoped = await startReceiver();
    const teamWide = await startReceiver();
    const standard = await startReceiver();
    receivers.push(scoped, teamWide, standard);
    const project = await ok('POST', '/projects', { name: 'To delete' }, 201);
    const scopedHook = await createWebhook(app, { url: scoped.url, events: ['*'], projectId: project.id, format: 'label-studio' });
    await createWebhook(app, { url: standard.url, events: ['PROJECT_DELETED'], projectId: project.id, format: 'standard' });
    await createWebhook(app, { url: teamWide.url, events: ['PROJECT_UPDATED', 'PROJECT_DELETED'], format: 'label-studio' });
    await ok('PATCH', `/projects/${project.id}`, { name: 'Renamed' });
    await ok('DELETE', `/projects/${project.id}`, undefined, 204);
    await teamWide.waitFor((rs) => rs.some((x) => JSON.parse(x.body).action === 'PROJECT_DELETED'));
    await standard.waitFor((rs) => rs.length === 1);
    // The scoped webhook got the project's update (so it was live) but not its deletion.
    await scoped.waitFor((rs) => rs.length >= 1);
    const dispatched = await app.t.ctx.store.db.selectFrom('events').select('dispatched_at').where('project_id', '=', project.id).where('type', '=', 'PROJECT_DELETED').executeTakeFirstOrThrow();
    expect(dispatched.dispatched_at).not.toBeNull();
    // Fan-out queues an event for all its webhooks at once: the scoped one has no delivery of it at all.
    const queued = await app.t.ctx.store.db.selectFrom('deliveries').select('event_type').where('webhook_id', '=', scopedHook.id).execute();
    expect(queued.map((d) => d.event_type)).toEqual(['PROJECT_UPDATED']);
    expect(scoped.received.map((x) => JSON.parse(x.body).action)).toEqual(['PROJECT_UPDATED']);
    expect(JSON.parse(teamWide.received.find((x) => JSON.parse(x.body).action === 'PROJECT_DELETED')!.body).project).toEqual({ id: project.num });
  });
});
