import { describe, expect, it } from 'vitest';
import { EVENT_TYPES as SERVER_EVENT_TYPES } from '../../../src/events/catalog.ts';
import { EVENT_GROUPS } from '../../src/event-catalog.ts';
import { matchRoute } from '../../src/router.ts';
import { EMPTY_FORM, fromWebhook, toInput, validateWebhookForm } from '../../src/webhook-form.ts';
import type { Webhook } from '../../src/api/types.ts';

describe('console event catalog', () => {
  it('lists every event type once in the platform-grouped checklist', () => {
    const listed = EVENT_GROUPS.flatMap((g) => g.events.map((e) => e.type));
    expect(listed.sort()).toEqual([...SERVER_EVENT_TYPES].sort());
  });
});

describe('console routes', () => {
  it('maps console addresses to pages with their ids and filters', () => {
    expect(matchRoute('').name).toBe('webhooks');
    expect(matchRoute('#/webhooks/new').name).toBe('webhook-new');
    expect(matchRoute('#/webhooks/wh_1/edit')).toMatchObject({ name: 'webhook-edit', params: { id: 'wh_1' } });
    const r = matchRoute('#/webhooks/wh_1?status=failed');
    expect(r).toMatchObject({ name: 'webhook', params: { id: 'wh_1' } });
    expect(r.query.get('status')).toBe('failed');
    expect(matchRoute('#/deliveries/dlv_9')).toMatchObject({ name: 'delivery', params: { id: 'dlv_9' } });
    expect(matchRoute('#/projects/prj_2')).toMatchObject({ name: 'project', params: { id: 'prj_2' } });
    expect(matchRoute('#/nowhere').name).toBe('not-found');
  });
});

describe('webhook form', () => {
  it('refuses a missing URL, an empty event list and a blocking webhook without BEFORE_UPDATE_LABELS', () => {
    const errors = validateWebhookForm({ ...EMPTY_FORM, url: 'ftp://x', events: [], blocking: true });
    expect(Object.keys(errors).sort()).toEqual(['blocking', 'events', 'url']);
  });

  it('refuses duplicate header names and bad batch numbers', () => {
    const errors = validateWebhookForm({
      ...EMPTY_FORM,
      url: 'https://example.com/hook',
      headers: [
        { name: 'X-Token', value: 'a' },
        { name: 'x-token', value: 'b' },
      ],
      batching: true,
      maxSize: '0',
      maxWaitMs: 'soon',
      maxBodyBytes: '100',
    });
    expect(Object.keys(errors).sort()).toEqual(['headers', 'maxBodyBytes', 'maxSize', 'maxWaitMs']);
  });

  it('builds the create body with every docs/webhooks.md option', () => {
    const input = toInput(
      {
        ...EMPTY_FORM,
        url: ' https://example.com/hook ',
        scope: 'project',
        projectId: 'prj_1',
        events: ['BEFORE_UPDATE_LABELS'],
        format: 'datasaur',
        headers: [{ name: 'Authorization', value: 'Bearer t' }],
        sendPayload: false,
        batching: true,
        maxSize: '50',
        maxWaitMs: '2000',
        maxBodyBytes: '1048576',
        ordered: true,
        blocking: true,
        failMode: 'closed',
        secret: 'whsec_abc',
      },
      true,
    );
    expect(input).toEqual({
      url: 'https://example.com/hook',
      description: '',
      projectId: 'prj_1',
      enabled: true,
      events: ['BEFORE_UPDATE_LABELS'],
      format: 'datasaur',
      headers: { Authorization: 'Bearer t' },
      sendPayload: false,
      batch: { maxSize: 50, maxWaitMs: 2000 },
      maxBodyBytes: 1_048_576,
      ordered: true,
      blocking: true,
      failMode: 'closed',
      secret: 'whsec_abc',
    });
  });

  it('keeps saved header values when editing without touching the headers (the API only shows their names)', () => {
    const saved: Webhook = {
      id: 'wh_1',
      url: 'https://example.com/hook',
      description: '',
      projectId: null,
      enabled: true,
      events: ['*'],
      format: 'standard',
      headers: { Authorization: '<redacted>' },
      sendPayload: true,
      batch: null,
      ordered: false,
      blocking: false,
      failMode: 'open',
      maxBodyBytes: 102_400,
      disabledReason: null,
      failingSince: null,
      previousSecretExpiresAt: null,
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
    };
    const form = fromWebhook(saved);
    expect(validateWebhookForm(form)).toEqual({});
    const patch = toInput(form, false);
    expect(patch).not.toHaveProperty('headers');
    expect(patch.projectId).toBeNull();
    // Once touched, every header needs its value again, and the PATCH replaces them.
    expect(validateWebhookForm({ ...form, headersTouched: true })).toHaveProperty('headers');
  });
});
