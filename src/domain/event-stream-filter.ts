import type { Kysely } from 'kysely';
import { ValidationError } from '../errors.js';
import { EVENT_TYPES, isEventType, type EventType } from '../events/catalog.js';
import type { EventStreamFilter } from '../events/event-stream.js';
import type { DatabaseSchema } from '../store/schema.js';
import type { Principal } from './principal.js';
import { getProject } from './projects.js';

/**
 * The filter of a caller's event stream. Any member may listen (the stream is read-only and team-scoped);
 * `types` is a comma list of event types, `projectId` must be a project of the caller's team (404 otherwise).
 */
export async function resolveStreamFilter(
  db: Kysely<DatabaseSchema>,
  p: Principal,
  query: { types?: string; projectId?: string },
): Promise<EventStreamFilter> {
  let types: EventType[] | null = null;
  const names = (query.types ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (names.length > 0 && !names.includes('*')) {
    const unknown = names.filter((t) => !isEventType(t));
    if (unknown.length > 0) {
      throw new ValidationError(`Unknown event type ${unknown.join(', ')}; known types: ${EVENT_TYPES.join(', ')}.`, { unknown }, 'unknown_event_type');
    }
    types = [...new Set(names)] as EventType[];
  }
  const projectId = query.projectId ? (await getProject(db, p.teamId, query.projectId)).id : null;
  return { teamId: p.teamId, types, projectId };
}
