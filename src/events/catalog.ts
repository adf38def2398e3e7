/** Every event type labelhook emits (DESIGN §2): the union of Datasaur's, Label Studio's and Labelator's names. */
export const EVENT_TYPES = [
  'PROJECT_CREATED',
  'PROJECT_UPDATED',
  'PROJECT_DELETED',
  'TASKS_CREATED',
  'TASKS_DELETED',
  'TASKS_EXCLUDED',
  'BEFORE_UPDATE_LABELS',
  'ANNOTATION_CREATED',
  'ANNOTATION_UPDATED',
  'ANNOTATIONS_DELETED',
  'TASK_COMPLETED',
  'TASK_REVIEWED',
  'PROJECT_COMPLETED',
  'PROJECT_REVIEWED',
  'PING',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** True when `t` is a known event type. */
export function isEventType(t: string): t is EventType {
  return (EVENT_TYPES as readonly string[]).includes(t);
}
