// The `data` of each event type, defined once in the receiver SDK. Every event also carries `team`, `project`
// (when project-scoped) and `actor` on the envelope (StoredEvent), so receivers never need to call back.
export type { AnnotationPayload, DocumentPayload, EventDataByType, LabelUpdateList } from '../../sdk/event-types.js';
