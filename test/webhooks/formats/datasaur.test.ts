import { describe, expect, it } from 'vitest';
import { datasaurFormat } from '../../../src/webhooks/formats/datasaur.js';
import { doc, event, label, project } from './events.js';

// Datasaur's published examples (reference/datasaur-events.md). Our body must equal them key for key and in key
// order, except where labelhook's model differs on purpose: ids are strings (labeledByUserId "1") and every label
// also carries its `id`, appended after Datasaur's fields.
const REFERENCE = {
  PROJECT_CREATED: `{"eventType":"PROJECT_CREATED","data":{"timestamp":"2023-11-17T09:02:45.258Z","project":{"id":"N2E4MjNlYTc","name":"hamlet.TXT","tags":["CUSTOM"]},"team":{"id":"1","name":"User's Team Workspace"}}}`,
  BEFORE_UPDATE_LABELS: `{"eventType":"BEFORE_UPDATE_LABELS","data":{"timestamp":"2023-11-17T09:49:54.108Z","document":{"id":"cdf0631f-66b6-4330-be05-4c87fd169afb","originId":"97812272-e8cd-4f92-97e3-e83de1e33db0","name":"hamlet.TXT","fileName":"hamlet.TXT","createdAt":"2023-11-17T09:48:41.000Z","lastSavedAt":"2023-11-17T09:48:41.048Z"},"isReviewDocument":false,"labelUpdateList":{"toDeleteList":[],"toUpsertList":[{"documentId":"cdf0631f-66b6-4330-be05-4c87fd169afb","startCellIndex":0,"startCellLine":0,"startTokenIndex":0,"startCharIndex":0,"endCellIndex":0,"endCellLine":0,"endTokenIndex":0,"endCharIndex":2,"counter":0,"layer":0,"labeledBy":"LABELER","type":"SPAN","labelSetItemId":"geo","confidenceScore":null,"labeledByUserId":1}]},"owner":{"id":"1","email":"user+1@datasaur.ai","username":"","name":""},"team":{"id":"1"}}}`,
  PROJECT_COMPLETED: `{"eventType":"PROJECT_COMPLETED","data":{"timestamp":"2023-11-17T09:52:57.478Z","labeler":{"id":"1","email":"user+1@datasaur.ai","username":"","name":""},"project":{"id":"ZTYzZjRhYjE","name":"hamlet.TXT","tags":["CUSTOM"]},"team":{"id":"1"}}}`,
  PROJECT_REVIEWED: `{"eventType":"PROJECT_REVIEWED","data":{"timestamp":"2023-11-17T09:53:23.514Z","reviewer":{"id":"1","email":"user+1@datasaur.ai","username":"","name":""},"project":{"id":"ZTYzZjRhYjE","name":"hamlet.TXT","tags":["CUSTOM"]},"team":{"id":"1"}}}`,
};

function render(e: Parameters<typeof datasaurFormat.records>[0], sendPayload = true): string {
  const records = datasaurFormat.records(e, { sendPayload });
  expect(records).toHaveLength(1);
  return datasaurFormat.render(records, e.type, false);
}

describe('datasaur format matches Datasaur’s published bodies', () => {
  it('PROJECT_CREATED', () => {
    const p = project();
    expect(render(event('PROJECT_CREATED', { project: p }, { projectRef: p }))).toBe(REFERENCE.PROJECT_CREATED);
  });

  it('BEFORE_UPDATE_LABELS, owner and labelUpdateList in Datasaur’s key order', () => {
    const expected = JSON.parse(REFERENCE.BEFORE_UPDATE_LABELS);
    // labelhook has one id per document, so originId mirrors id; labeledByUserId is a string id; labels carry their id.
    expected.data.document.originId = expected.data.document.id;
    expected.data.labelUpdateList.toUpsertList[0].labeledByUserId = '1';
    expected.data.labelUpdateList.toUpsertList[0].id = 'lbl_1';
    const e = event(
      'BEFORE_UPDATE_LABELS',
      { document: doc(), isReviewDocument: false, labelUpdateList: { toDeleteList: [], toUpsertList: [label()] } },
      { timestamp: '2023-11-17T09:49:54.108Z' },
    );
    expect(render(e)).toBe(JSON.stringify(expected));
  });

  it('PROJECT_COMPLETED names the labeler', () => {
    const p = project({ id: 'ZTYzZjRhYjE', status: 'COMPLETED' });
    const e = event('PROJECT_COMPLETED', { project: p, mode: 'labeler' }, { projectRef: p, timestamp: '2023-11-17T09:52:57.478Z' });
    expect(render(e)).toBe(REFERENCE.PROJECT_COMPLETED);
  });

  it('PROJECT_REVIEWED names the reviewer', () => {
    const p = project({ id: 'ZTYzZjRhYjE', status: 'REVIEWED' });
    const reviewer = { id: '1', email: 'user+1@datasaur.ai', name: '', role: 'reviewer' as const };
    const e = event('PROJECT_REVIEWED', { project: p, mode: 'reviewer' }, { projectRef: p, actor: reviewer, timestamp: '2023-11-17T09:53:23.514Z' });
    expect(render(e)).toBe(REFERENCE.PROJECT_REVIEWED);
  });
});

describe('datasaur format for events Datasaur lacks', () => {
  it('TASKS_CREATED keeps the envelope and lists the documents with their keys', () => {
    const e = event('TASKS_CREATED', { documents: [{ ...doc(1), text: 'To be' }], count: 1 });
    const body = JSON.parse(render(e));
    expect(body.eventType).toBe('TASKS_CREATED');
    expect(Object.keys(body.data)).toEqual(['timestamp', 'documents', 'count', 'user', 'project', 'team']);
    expect(body.data.documents).toEqual([
      {
        id: 'doc_1',
        originId: 'doc_1',
        name: 'hamlet.TXT',
        fileName: 'hamlet.TXT',
        createdAt: '2023-11-17T09:48:41.000Z',
        lastSavedAt: '2023-11-17T09:48:41.048Z',
        key: 'key-1',
        text: 'To be',
      },
    ]);
    expect(body.data.team).toEqual({ id: '1', name: "User's Team Workspace" });
    expect(body.data.project).toMatchObject({ id: 'N2E4MjNlYTc', name: 'hamlet.TXT', tags: ['CUSTOM'] });
  });

  it('ANNOTATION_UPDATED carries labels in Datasaur’s shape, before and after, and the owner', () => {
    const after = label({ labelSetItemId: 'per' });
    const e = event('ANNOTATION_UPDATED', {
      annotation: { id: 'ann_1', documentId: doc().id, projectId: 'N2E4MjNlYTc', memberId: '1', labels: [after], createdAt: 'x', updatedAt: 'y' },
      document: doc(),
      isReviewDocument: false,
      labelUpdateList: { toDeleteList: [label()], toUpsertList: [after] },
      before: { labels: [label()] },
    });
    const body = JSON.parse(render(e));
    expect(Object.keys(body.data)).toEqual(['timestamp', 'annotation', 'document', 'isReviewDocument', 'labelUpdateList', 'before', 'owner', 'project', 'team']);
    expect(Object.keys(body.data.before.labels[0])).toEqual(Object.keys(JSON.parse(REFERENCE.BEFORE_UPDATE_LABELS).data.labelUpdateList.toUpsertList[0]).concat('id'));
    expect(body.data.annotation.labels[0].labelSetItemId).toBe('per');
    expect(body.data.owner.email).toBe('user+1@datasaur.ai');
  });
});

describe('datasaur format options and headers', () => {
  it('sendPayload false sends only the event type, timestamp and ids', () => {
    const e = event('PROJECT_COMPLETED', { project: project(), mode: 'labeler' });
    expect(render(e, false)).toBe('{"eventType":"PROJECT_COMPLETED","data":{"timestamp":"2023-11-17T09:02:45.258Z","project":{"id":"N2E4MjNlYTc"},"team":{"id":"1"}}}');
  });

  it("x-datasaur-signature is the hex HMAC of the final body with the current secret, next to Datasaur's headers", () => {
    expect(datasaurFormat.headers('{"body":"sample"}', 'secret')).toEqual({
      'user-agent': 'Datasaur',
      accept: 'application/json, text/plain, */*',
      'accept-encoding': 'gzip, compress, deflate, br',
      'x-datasaur-signature': '0278b1a603de4c561ac0feb960354d0d00e8846b74813d81bddb43ad45bff767',
    });
  });

  it('a batching webhook gets a JSON array of Datasaur bodies', () => {
    const a = datasaurFormat.records(event('PROJECT_CREATED', { project: project() }), { sendPayload: true });
    const b = datasaurFormat.records(event('PROJECT_CREATED', { project: project({ id: 'p2' }) }, { projectRef: project({ id: 'p2' }) }), { sendPayload: true });
    const body = JSON.parse(datasaurFormat.render([...a, ...b], 'PROJECT_CREATED', true));
    expect(body.map((x: { data: { project: { id: string } } }) => x.data.project.id)).toEqual(['N2E4MjNlYTc', 'p2']);
  });
});
