import { describe, expect, it } from 'vitest';
import { standardFormat } from '../../../src/webhooks/formats/standard.js';
import { doc, event, project, team } from './events.js';

describe('standard format', () => {
  it('wraps the event in the Standard Webhooks envelope {type, timestamp, data}', () => {
    const e = event('TASKS_CREATED', { documents: [doc(1)], count: 1 });
    const records = standardFormat.records(e, { sendPayload: true });
    const body = JSON.parse(standardFormat.render(records, 'TASKS_CREATED', false));
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data']);
    expect(body.type).toBe('TASKS_CREATED');
    expect(body.timestamp).toBe(e.timestamp);
    expect(Object.keys(body.data)).toEqual(['id', 'team', 'project', 'actor', 'documents', 'count']);
    expect(body.data).toMatchObject({ id: 'evt_01', team, project: project(), count: 1, documents: [doc(1)] });
    expect(body.data.actor.email).toBe('user+1@datasaur.ai');
  });

  it('sendPayload false keeps only the ids', () => {
    const e = event('PROJECT_UPDATED', { project: project(), before: { name: 'old' }, changed: ['name'] });
    const body = standardFormat.render(standardFormat.records(e, { sendPayload: false }), e.type, false);
    expect(body).toBe('{"type":"PROJECT_UPDATED","timestamp":"2023-11-17T09:02:45.258Z","data":{"id":"evt_01","team":{"id":"1"},"project":{"id":"N2E4MjNlYTc"}}}');
  });

  it('team-level events without a project carry project null', () => {
    const e = event('PING', { message: 'hello', webhookId: 'wh_1' }, { projectRef: null, actor: null });
    const body = JSON.parse(standardFormat.render(standardFormat.records(e, { sendPayload: false }), e.type, false));
    expect(body.data.project).toBeNull();
  });

  it('batching renders a JSON array of envelopes; unbatched rendering of several records is refused', () => {
    const records = [1, 2, 3].flatMap((n) => standardFormat.records(event('TASKS_DELETED', { documents: [doc(n)], count: 1 }), { sendPayload: true }));
    const body = JSON.parse(standardFormat.render(records, 'TASKS_DELETED', true));
    expect(body).toHaveLength(3);
    expect(body[2].data.documents[0].key).toBe('key-3');
    expect(() => standardFormat.render(records, 'TASKS_DELETED', false)).toThrow(RangeError);
  });

  it('adds no headers of its own and does not batch by default', () => {
    expect(standardFormat.headers('{}', 'whsec_x')).toEqual({});
    expect(standardFormat.defaultBatch).toBeUndefined();
  });
});
