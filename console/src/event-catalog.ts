// The event types come from their one definition, shared with the server and the receiver SDK.
import { EVENT_TYPES } from '../../sdk/event-types.ts';

export { EVENT_TYPES };

export interface EventGroup {
  platform: string;
  events: { type: string; alsoIn: string[] }[];
}

/**
 * The event checklist grouped by the platform each name comes from (docs/api.md), so people moving from
 * Datasaur, Label Studio or Labelator find the events they already subscribe to. Each type appears once,
 * under the first platform that has it; `alsoIn` names the others.
 */
export const EVENT_GROUPS: EventGroup[] = [
  {
    platform: 'Datasaur',
    events: [
      { type: 'PROJECT_CREATED', alsoIn: ['Label Studio'] },
      { type: 'BEFORE_UPDATE_LABELS', alsoIn: [] },
      { type: 'PROJECT_COMPLETED', alsoIn: [] },
      { type: 'PROJECT_REVIEWED', alsoIn: [] },
    ],
  },
  {
    platform: 'Label Studio',
    events: [
      { type: 'PROJECT_UPDATED', alsoIn: [] },
      { type: 'PROJECT_DELETED', alsoIn: [] },
      { type: 'TASKS_CREATED', alsoIn: ['Labelator ingested'] },
      { type: 'TASKS_DELETED', alsoIn: [] },
      { type: 'ANNOTATION_CREATED', alsoIn: ['Labelator modified'] },
      { type: 'ANNOTATION_UPDATED', alsoIn: ['Labelator modified'] },
      { type: 'ANNOTATIONS_CREATED', alsoIn: ['Labelator modified'] },
      { type: 'ANNOTATIONS_DELETED', alsoIn: ['Labelator modified'] },
    ],
  },
  {
    platform: 'Labelator',
    events: [{ type: 'TASKS_EXCLUDED', alsoIn: [] }],
  },
  {
    platform: 'labelhook',
    events: [
      { type: 'TASK_COMPLETED', alsoIn: [] },
      { type: 'TASK_REVIEWED', alsoIn: [] },
      { type: 'TASKS_UPDATED', alsoIn: ['Labelator ingested'] },
      { type: 'PING', alsoIn: [] },
      { type: 'EXPORT_COMPLETED', alsoIn: ['Datasaur export callback'] },
      { type: 'EXPORT_FAILED', alsoIn: [] },
    ],
  },
];

export const FORMATS = [
  { value: 'standard', label: 'Standard Webhooks', hint: 'type/timestamp/data body, webhook-* signature headers' },
  { value: 'datasaur', label: 'Datasaur', hint: 'Datasaur bodies, x-datasaur-signature (hex HMAC)' },
  { value: 'label-studio', label: 'Label Studio', hint: 'Label Studio bodies with "action"' },
  { value: 'labelator', label: 'Labelator', hint: 'batched {docs} / {modified} callbacks, 100 records per request' },
] as const;
