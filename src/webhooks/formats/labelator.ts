import type { EventType } from '../../events/catalog.js';
import type { DocumentRef, LabelView, ProjectRef, StoredEvent } from '../../events/event.js';
import type { EventDataByType } from '../../events/payloads.js';
import type { LabelatorDoc, LabelatorModified } from '../../../sdk/types.js';
import { eventProject, labelName } from './event-lookups.js';
import type { FormatOptions, PayloadFormat } from './format.js';
import { renderBodies } from './render-json.js';
import { standardBody } from './standard.js';

// Labelator's callbacks: ingested and excluded send `{"docs": [...]}`, modified sends `{"modified": [...]}`,
// one record per document, per 100 records. Event types Labelator lacks travel as standard bodies.

// TASKS_UPDATED is Labelator's ingested callback too: Labelator sends it again when a document is overwritten.
const DOCS_TYPES: ReadonlySet<EventType> = new Set(['TASKS_CREATED', 'TASKS_EXCLUDED', 'TASKS_UPDATED']);
const MODIFIED_TYPES: ReadonlySet<EventType> = new Set(['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_CREATED', 'ANNOTATIONS_DELETED']);

/** The modified record of a document: its labels, model predictions under `predicted_labels` as Labelator does. */
function modifiedRecord(doc: DocumentRef, labels: LabelView[], labelSet: ProjectRef['labelSet'], sendPayload: boolean): LabelatorModified {
  const record: LabelatorModified = { id: doc.id, key: doc.key };
  if (!sendPayload) return record;
  const predicted = labels.filter((l) => l.labeledBy === 'PREDICTION');
  const manual = labels.filter((l) => l.labeledBy !== 'PREDICTION');
  if (manual.length > 0 || predicted.length === 0) record.labels = manual.map((l) => labelName(l, labelSet));
  if (predicted.length > 0) record.predicted_labels = predicted.map((l) => labelName(l, labelSet));
  return record;
}

/** The records of one event: one per document for Labelator's callbacks, else one standard body. */
export function labelatorRecords(event: StoredEvent, options: FormatOptions): unknown[] {
  if (DOCS_TYPES.has(event.type)) {
    const { documents } = event.data as EventDataByType['TASKS_CREATED'];
    return documents.map((d): LabelatorDoc => ({ id: d.id, key: d.key }));
  }
  if (event.type === 'ANNOTATIONS_CREATED') {
    const labelSet = eventProject(event)?.labelSet ?? [];
    const { annotations, documents } = event.data as EventDataByType['ANNOTATIONS_CREATED'];
    const byId = new Map(documents.map((d) => [d.id, d]));
    return annotations.map((a) => modifiedRecord(byId.get(a.documentId)!, a.labels, labelSet, options.sendPayload));
  }
  if (MODIFIED_TYPES.has(event.type)) {
    const labelSet = eventProject(event)?.labelSet ?? [];
    const { document } = event.data as EventDataByType['ANNOTATIONS_DELETED'];
    // The member's labels after the change: all of them are gone once the annotation is deleted.
    const labels = event.type === 'ANNOTATIONS_DELETED' ? [] : (event.data as EventDataByType['ANNOTATION_CREATED']).annotation.labels;
    return [modifiedRecord(document, labels, labelSet, options.sendPayload)];
  }
  return [standardBody(event, options)];
}

/** Labelator's batch body for records of one event type. */
export function renderLabelator(records: unknown[], eventType: EventType, batched: boolean): string {
  if (DOCS_TYPES.has(eventType)) return JSON.stringify({ docs: records });
  if (MODIFIED_TYPES.has(eventType)) return JSON.stringify({ modified: records });
  return renderBodies(records, batched);
}

/** Labelator's dialect: batched per 100 records by default. */
export const labelatorFormat: PayloadFormat = {
  name: 'labelator',
  records: labelatorRecords,
  render: renderLabelator,
  defaultBatch: { maxSize: 100, maxWaitMs: 1000 },
  headers: () => ({}),
};
