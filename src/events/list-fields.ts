import type { EventType } from './catalog.js';

/**
 * The list each list event carries in its `data`: what the delivery engine splits into parts when a body would
 * exceed a webhook's limit. A new list event adds its field here and is split like the others.
 */
export const LIST_FIELDS: Partial<Record<EventType, string>> = {
  TASKS_CREATED: 'documents',
  TASKS_DELETED: 'documents',
  TASKS_EXCLUDED: 'documents',
  ANNOTATIONS_DELETED: 'annotations',
};

/** The `data` field holding the list of a list event; null for other events. */
export function listField(type: EventType): string | null {
  return LIST_FIELDS[type] ?? null;
}

/** Fields of a record (a document) that may be left out of a body too large with them, re-readable from the API. */
export const BULKY_FIELDS = ['text', 'data'] as const;
