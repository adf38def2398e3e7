import type { NewEvent } from '../src/events/outbox.js';
import type { Actor, ProjectRef, TeamRef } from '../src/events/event.js';

/** A realistic PROJECT_UPDATED event (a rename) of about the size a label-tool event has; `i` varies the name. */
export function projectRenamedEvent(team: TeamRef, project: ProjectRef, actor: Actor | null, i: number): NewEvent<'PROJECT_UPDATED'> {
  const renamed: ProjectRef = { ...project, name: `${project.name} #${i}` };
  return {
    type: 'PROJECT_UPDATED',
    team,
    project: renamed,
    actor,
    data: { project: renamed, before: { name: project.name }, changed: ['name'] },
  };
}

/** A project reference for events built without a database (the limit scenario's bodies). */
export function sampleProject(now: number): ProjectRef {
  const at = new Date(now).toISOString();
  return {
    id: 'prj_01jdbench000000000000000',
    name: 'Bench sentiment corpus',
    tags: ['bench', 'sentiment'],
    status: 'IN_PROGRESS',
    labelSet: [
      { id: 'pos', label: 'Positive', color: '#2e7d32' },
      { id: 'neg', label: 'Negative', color: '#c62828' },
      { id: 'neu', label: 'Neutral', color: null },
    ],
    createdAt: at,
    updatedAt: at,
  };
}

export const SAMPLE_TEAM: TeamRef = { id: 'team_01jdbench000000000000000', name: 'Default team' };
export const SAMPLE_ACTOR: Actor = { id: 'mem_01jdbench000000000000000', email: 'admin@localhost', name: 'Instance admin', role: 'admin' };
