import type { EventType } from './catalog.js';

/**
 * The list each list event carries in its `data`: what the delivery engine splits into parts when a body would
 * exceed a webhook's limit. An event type not listed here that carries a `documents` or `annotations` array is
 * split by it too, so a list event added later is split without a change here.
 */
export const LIST_FIELDS: Partial<Record<EventType, string>> = {
  TASKS_CREATED: 'documents',
  TASKS_DELETED: 'documents',
  TASKS_EXCLUDED: 'documents',
  ANNOTATIONS_DELETED: 'annotations',
  TASKS_UPDATED: 'documents',
  ANNOTATIONS_CREATED: 'annotations',
};

/** A second list that travels beside an event's list: split with it, each part carrying the items its own name. */
export interface CompanionList {
  field: string;
  /** `index`: item i belongs to the list's item i; `documentId`: the documents the list's items name. */
  match: 'index' | 'documentId';
}

/** The companion lists of list events: TASKS_UPDATED's `before` values, ANNOTATIONS_CREATED's documents. */
export const COMPANION_LISTS: Partial<Record<EventType, readonly CompanionList[]>> = {
  TASKS_UPDATED: [{ field: 'before', match: 'index' }],
  ANNOTATIONS_CREATED: [{ field: 'documents', match: 'documentId' }],
};

const LIST_NAMES = ['documents', 'annotations'] as const;

/** The `data` field holding the list of a list event; null for other events. */
export function listField(type: EventType, data: Record<string, unknown>): string | null {
  return LIST_FIELDS[type] ?? LIST_NAMES.find((name) => Array.isArray(data[name])) ?? null;
}

/** Fields of a record (a document) that may be left out of a body too large with them, re-readable from the API. */
export const BULKY_FIELDS = ['text', 'data'] as const;
