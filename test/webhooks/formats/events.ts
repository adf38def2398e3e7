import type { EventType } from '../../../src/events/catalog.js';
import type { Actor, DocumentRef, LabelView, ProjectRef, StoredEvent, TeamRef } from '../../../src/events/event.js';

// Builders of StoredEvents for the format tests; defaults mirror Datasaur's reference examples.

export const team: TeamRef = { id: '1', name: "User's Team Workspace" };

export const datasaurUser: Actor = { id: '1', email: 'user+1@datasaur.ai', name: '', role: 'labeler' };

/** A project with Datasaur's example id and name and a two-item label set. */
export function project(overrides: Partial<ProjectRef> = {}): ProjectRef {
  return {
    id: 'N2E4MjNlYTc',
    name: 'hamlet.TXT',
    tags: ['CUSTOM'],
    status: 'CREATED',
    labelSet: [
      { id: 'geo', label: 'Geography', color: '#00ff00' },
      { id: 'per', label: 'Person', color: null },
    ],
    createdAt: '2023-11-17T09:02:45.000Z',
    updatedAt: '2023-11-17T09:02:45.000Z',
    ...overrides,
  };
}

/** A document; `n` varies id and key. */
export function doc(n = 0, overrides: Partial<DocumentRef> = {}): DocumentRef {
  return {
    id: n === 0 ? 'cdf0631f-66b6-4330-be05-4c87fd169afb' : `doc_${n}`,
    projectId: 'N2E4MjNlYTc',
    key: `key-${n}`,
    name: 'hamlet.TXT',
    status: 'active',
    createdAt: '2023-11-17T09:48:41.000Z',
    updatedAt: '2023-11-17T09:48:41.048Z',
    ...overrides,
  };
}

/** The span label of Datasaur's BEFORE_UPDATE_LABELS example. */
export function label(overrides: Partial<LabelView> = {}): LabelView {
  return {
    id: 'lbl_1',
    documentId: 'cdf0631f-66b6-4330-be05-4c87fd169afb',
    type: 'SPAN',
    startCellIndex: 0,
    startCellLine: 0,
    startTokenIndex: 0,
    startCharIndex: 0,
    endCellIndex: 0,
    endCellLine: 0,
    endTokenIndex: 0,
    endCharIndex: 2,
    counter: 0,
    layer: 0,
    labeledBy: 'LABELER',
    labelSetItemId: 'geo',
    confidenceScore: null,
    labeledByUserId: '1',
    ...overrides,
  };
}

/** A stored event of `type` with `data`; project-scoped unless `projectRef` is null. */
export function event(type: EventType, data: Record<string, unknown>, opts: { timestamp?: string; projectRef?: ProjectRef | null; actor?: Actor | null } = {}): StoredEvent {
  return {
    id: 'evt_01',
    seq: 1,
    type,
    timestamp: opts.timestamp ?? '2023-11-17T09:02:45.258Z',
    team,
    project: opts.projectRef === undefined ? project() : opts.projectRef,
    actor: opts.actor === undefined ? datasaurUser : opts.actor,
    data,
  };
}
