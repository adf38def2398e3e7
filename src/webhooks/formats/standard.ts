import type { StoredEvent } from '../../events/event.js';
import type { StandardWebhookBody } from '../../../sdk/types.js';
import type { FormatOptions, PayloadFormat } from './format.js';
import { renderBodies } from './render-json.js';

/** The Standard Webhooks body of one event: `{type, timestamp, data: {id, team, project, actor, ...event.data}}`. */
export function standardBody(event: StoredEvent, options: FormatOptions): StandardWebhookBody {
  if (!options.sendPayload) {
    return {
      type: event.type,
      timestamp: event.timestamp,
      data: { id: event.id, team: { id: event.team.id }, project: event.project ? { id: event.project.id } : null },
    };
  }
  const data = { id: event.id, team: event.team, project: event.project, actor: event.actor, ...event.data };
  return { type: event.type, timestamp: event.timestamp, data } as StandardWebhookBody;
}

/** The default format: Standard Webhooks, verifiable with the official `standardwebhooks` and `svix` libraries. */
export const standardFormat: PayloadFormat = {
  name: 'standard',
  records: (event, options) => [standardBody(event, options)],
  render: (records, _eventType, batched) => renderBodies(records, batched),
  headers: () => ({}),
};
