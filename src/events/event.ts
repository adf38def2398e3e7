import type { Actor, EventType, ProjectRef, TeamRef } from '../../sdk/event-types.js';

// The shapes events carry are defined once, in the receiver SDK, so receivers and server cannot drift apart.
export type { Actor, DocumentRef, LabelView, ProjectCounts, ProjectRef, TeamRef } from '../../sdk/event-types.js';

/**
 * An event as stored in the outbox and listed by `GET /api/v1/events`. `data` is event-specific
 * (see "Events and their data" in docs/api.md); every event carries team, project (when scoped) and actor.
 */
export interface StoredEvent {
  id: string;
  seq: number;
  type: EventType;
  /** ISO 8601. */
  timestamp: string;
  team: TeamRef;
  project: ProjectRef | null;
  actor: Actor | null;
  data: Record<string, unknown>;
}
