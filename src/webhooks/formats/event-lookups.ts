import type { LabelView, ProjectRef, StoredEvent } from '../../events/event.js';

// Lookups every format needs from an event.

/** The event's project: the envelope's, or for project events the one in `data`. */
export function eventProject(event: StoredEvent): ProjectRef | null {
  return event.project ?? (event.data.project as ProjectRef | undefined) ?? null;
}

/** The display name of a label from the project's label set; the item id if the set no longer has it. */
export function labelName(label: LabelView, labelSet: ProjectRef['labelSet']): string {
  return labelSet.find((i) => i.id === label.labelSetItemId)?.label ?? label.labelSetItemId;
}
