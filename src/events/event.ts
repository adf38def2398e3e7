import type { EventType } from './catalog.js';

/** Who caused an event: enough for a receiver to act without calling back. */
export interface Actor {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'labeler' | 'reviewer';
}

export interface TeamRef {
  id: string;
  name: string;
}

export interface ProjectRef {
  id: string;
  name: string;
  tags: string[];
  status: string;
  labelSet: { id: string; label: string; color: string | null }[];
  createdAt: string;
  updatedAt: string;
}

export interface DocumentRef {
  id: string;
  projectId: string;
  key: string | null;
  name: string;
  status: 'active' | 'excluded';
  createdAt: string;
  updatedAt: string;
}

/** A label in Datasaur's shape, every field filled. */
export interface LabelView {
  id: string;
  documentId: string;
  type: 'SPAN' | 'ROW' | 'DOCUMENT';
  startCellIndex: number;
  startCellLine: number;
  startTokenIndex: number;
  startCharIndex: number;
  endCellIndex: number;
  endCellLine: number;
  endTokenIndex: number;
  endCharIndex: number;
  counter: number;
  layer: number;
  labeledBy: string;
  labelSetItemId: string;
  confidenceScore: number | null;
  labeledByUserId: string;
}

/**
 * An event as stored in the outbox and listed by `GET /api/v1/events`. `data` is event-specific
 * (see docs/events in the README); every event carries team, project (when scoped) and actor.
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
