import type { EventType } from '../../events/catalog.js';
import type { WebhookFormatName } from './format.js';

// Where each dialect's body holds an event's list, a part's position and a single document, so the engine can
// split any list event and mark left-out content without knowing the rest of the body (docs/formats.md, "Parts").

/** Where one part belongs: its event, its number (1-based) and how many parts the event was sent in. */
export interface PartPosition {
  eventId: string;
  index: number;
  count: number;
}

/** One dialect's layout of a body. Paths are object keys from the body's root. */
export interface PartLayout {
  /** Path of the list that holds the event's `data[field]` items, in the same order. */
  list(field: string, type: EventType): readonly string[];
  /** Path the part position is written to. */
  part: readonly string[];
  /** The part position as this dialect spells it. */
  position(p: PartPosition): unknown;
  /** Path of the one document of a non-list event (Label Studio's `task`). */
  document: readonly string[];
  /** A body item (document or task) marked as sent without `fields`, which `path` on the API returns. */
  markOmitted(item: Record<string, unknown>, fields: readonly string[], path: string): Record<string, unknown>;
}

const camel: PartLayout = {
  list: (field) => ['data', field],
  part: ['data', 'part'],
  position: (p) => p,
  document: ['data', 'document'],
  markOmitted: (item, fields, path) => ({ ...item, contentOmitted: fields, contentPath: path }),
};

const LS_BULK_KEYS: Record<string, string> = { annotations: 'annotation', documents: 'task' };

// Label Studio's names: documents are `tasks`; keys are snake_case; the part is a top-level extension key.
const labelStudio: PartLayout = {
  // ANNOTATIONS_CREATED is Label Studio's bulk shape: its lists sit under the singular keys.
  list: (field, type) => [type === 'ANNOTATIONS_CREATED' ? LS_BULK_KEYS[field] ?? field : field === 'documents' ? 'tasks' : field],
  part: ['part'],
  position: (p) => ({ event_id: p.eventId, index: p.index, count: p.count }),
  document: ['task'],
  markOmitted: (item, fields, path) => ({ ...item, content_omitted: fields, content_path: path }),
};

// Labelator's own bodies are one record per document (no list to split); events it lacks travel as standard bodies.
const LAYOUTS: Record<WebhookFormatName, PartLayout> = { standard: camel, datasaur: camel, 'label-studio': labelStudio, labelator: camel };

/** The body layout of a format. */
export function partLayout(format: WebhookFormatName): PartLayout {
  return LAYOUTS[format];
}

/** The value at `path` in `body`, undefined when the path does not exist. */
export function getPath(body: unknown, path: readonly string[]): unknown {
  let at: unknown = body;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A copy of `body` with `value` at `path`: objects along the path are copied, the rest is shared (records are cached). */
export function setPath(body: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string, ...string[]];
  const obj = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  return { ...obj, [key]: setPath(obj[key], rest, value) };
}
