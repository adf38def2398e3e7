import { describe, expect, it } from 'vitest';
import { gateWantsEvent, webhookWantsEvent, type MatchableWebhook } from '../../src/webhooks/fanout/event-match.js';

const hook = (over: Partial<MatchableWebhook> = {}): MatchableWebhook => ({ projectId: null, events: ['*'], blocking: false, createdAt: 100, ...over });
const event = (over: Partial<{ type: string; projectId: string | null; createdAt: number }> = {}) => ({ type: 'TASKS_CREATED', projectId: 'p1', createdAt: 200, ...over });

describe('which webhooks receive an event', () => {
  it.each([
    ['a team-wide webhook gets every project', hook(), event(), true],
    ['a project webhook gets its project', hook({ projectId: 'p1' }), event(), true],
    ['a project webhook does not get another project', hook({ projectId: 'p2' }), event(), false],
    ['a project webhook does not get team-level events', hook({ projectId: 'p1' }), event({ projectId: null }), false],
    ['a filter names the type', hook({ events: ['TASKS_CREATED'] }), event(), true],
    ['a filter without the type', hook({ events: ['TASKS_DELETED'] }), event(), false],
    ['events before the webhook existed are not sent', hook({ createdAt: 300 }), event(), false],
    ['PING is only sent on request', hook(), event({ type: 'PING' }), false],
    ['a blocking webhook already saw BEFORE_UPDATE_LABELS through the gate', hook({ blocking: true }), event({ type: 'BEFORE_UPDATE_LABELS' }), false],
    ['a blocking webhook gets its other events through the queue', hook({ blocking: true }), event(), true],
    ['a non-blocking webhook gets BEFORE_UPDATE_LABELS through the queue', hook(), event({ type: 'BEFORE_UPDATE_LABELS' }), true],
    // Label Studio's organization-only actions: never to a project-scoped label-studio webhook.
    ['a project label-studio webhook does not get PROJECT_DELETED', hook({ projectId: 'p1', format: 'label-studio' }), event({ type: 'PROJECT_DELETED' }), false],
    ['a project label-studio webhook does not get PROJECT_CREATED', hook({ projectId: 'p1', format: 'label-studio' }), event({ type: 'PROJECT_CREATED' }), false],
    ['a format object is read by its name', hook({ projectId: 'p1', format: { name: 'label-studio' } }), event({ type: 'PROJECT_DELETED' }), false],
    ['a project label-studio webhook gets PROJECT_UPDATED', hook({ projectId: 'p1', format: 'label-studio' }), event({ type: 'PROJECT_UPDATED' }), true],
    ['a team-wide label-studio webhook gets PROJECT_DELETED', hook({ format: 'label-studio' }), event({ type: 'PROJECT_DELETED' }), true],
    ['a team-wide label-studio webhook gets PROJECT_CREATED', hook({ format: 'label-studio' }), event({ type: 'PROJECT_CREATED' }), true],
    ['a project webhook of another format gets PROJECT_DELETED', hook({ projectId: 'p1', format: 'standard' }), event({ type: 'PROJECT_DELETED' }), true],
  ])('%s', (_name, w, e, expected) => {
    expect(webhookWantsEvent(w, e)).toBe(expected);
  });

  it('calls only blocking webhooks subscribed to BEFORE_UPDATE_LABELS in scope as gates', () => {
    expect(gateWantsEvent(hook({ blocking: true, events: ['BEFORE_UPDATE_LABELS'] }), 'p1')).toBe(true);
    expect(gateWantsEvent(hook({ blocking: true }), 'p1')).toBe(true);
    expect(gateWantsEvent(hook({ blocking: false }), 'p1')).toBe(false);
    expect(gateWantsEvent(hook({ blocking: true, projectId: 'p2' }), 'p1')).toBe(false);
  });
});
