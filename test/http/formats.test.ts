import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/events/catalog.js';
import { signDatasaur } from '../../src/webhooks/transport/sign-datasaur.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';

describe('format samples for the webhook form', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t.close());

  const sample = (path: string) => t.app.inject({ url: `/api/v1/formats/${path}`, headers: bearer(t.adminKey) });

  it('renders every event type in every format as valid JSON', async () => {
    for (const format of ['standard', 'datasaur', 'label-studio', 'labelator']) {
      for (const type of EVENT_TYPES) {
        const res = await sample(`${format}/sample?event=${type}`);
        expect(res.statusCode, `${format} ${type}`).toBe(200);
        const body = res.json<{ body: string; format: string; eventType: string }>();
        expect(body).toMatchObject({ format, eventType: type });
        expect(() => JSON.parse(body.body)).not.toThrow();
      }
    }
  });

  it("shows each dialect's own shape", async () => {
    const standard = JSON.parse((await sample('standard/sample?event=PROJECT_CREATED')).json<{ body: string }>().body);
    expect(standard).toMatchObject({ type: 'PROJECT_CREATED', data: { project: { name: 'Support tickets NER' } } });
    const ls = JSON.parse((await sample('label-studio/sample?event=TASKS_DELETED')).json<{ body: string }>().body);
    expect(ls.action).toBe('TASKS_DELETED');
    const labelator = JSON.parse((await sample('labelator/sample?event=TASKS_CREATED')).json<{ body: string }>().body);
    expect(labelator).toEqual({ docs: [{ id: 'doc_sample1', key: 'ticket-1042' }, { id: 'doc_sample2', key: 'ticket-1043' }] });
  });

  it('includes the Datasaur signature header, computed over the sample body', async () => {
    const res = (await sample('datasaur/sample?event=PROJECT_COMPLETED')).json<{ body: string; headers: Record<string, string> }>();
    expect(res.headers['x-datasaur-signature']).toBe(signDatasaur('secret', res.body));
  });

  it('honours sendPayload=false (Label Studio sends the action alone)', async () => {
    const res = (await sample('label-studio/sample?event=ANNOTATION_CREATED&sendPayload=false')).json<{ body: string }>();
    expect(JSON.parse(res.body)).toEqual({ action: 'ANNOTATION_CREATED' });
  });

  it('refuses an unknown format or event type and needs a key', async () => {
    expect((await sample('xml/sample?event=PING')).statusCode).toBe(400);
    expect((await sample('standard/sample?event=NOPE')).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/formats/standard/sample' })).statusCode).toBe(401);
  });
});
