import type { Actor, DocumentRef, LabelView, ProjectRef, StoredEvent } from '../../events/event.js';
import type { DocumentPayload, LabelUpdateList } from '../../events/payloads.js';
import type { ExportFileRef } from '../../../sdk/event-types.js';
import type {
  DatasaurDocument,
  DatasaurExportCallback,
  DatasaurLabel,
  DatasaurLabelUpdateList,
  DatasaurProject,
  DatasaurUser,
  DatasaurWebhookBody,
} from '../../../sdk/types.js';
import { signDatasaur } from '../transport/sign-datasaur.js';
import { eventProject } from './event-lookups.js';
import type { FormatOptions, PayloadFormat } from './format.js';
import { renderBodies } from './render-json.js';

// Datasaur's bodies key for key and in its key order (reference/datasaur-events.md): receivers written for
// Datasaur compare against its examples, and some parse positionally or diff the JSON text.

/** A member as Datasaur names people; labelhook has no usernames, so `username` is empty as in Datasaur's examples. */
export function datasaurUser(actor: Actor): DatasaurUser {
  return { id: actor.id, email: actor.email, username: '', name: actor.name };
}

/** Datasaur's project reference; event types Datasaur lacks also get status and label set. */
export function datasaurProject(project: ProjectRef, extended = false): DatasaurProject {
  const base: DatasaurProject = { id: project.id, name: project.name, tags: project.tags };
  return extended ? { ...base, status: project.status, labelSet: project.labelSet } : base;
}

/** Datasaur's document: `originId` and `fileName` mirror id and name (labelhook keeps one copy per document). */
export function datasaurDocument(doc: DocumentRef | DocumentPayload, extended = false): DatasaurDocument {
  const base: DatasaurDocument = {
    id: doc.id,
    originId: doc.id,
    name: doc.name,
    fileName: doc.name,
    createdAt: doc.createdAt,
    lastSavedAt: doc.updatedAt,
  };
  if (!extended) return base;
  const out: DatasaurDocument & { text?: string | null; data?: unknown } = { ...base, key: doc.key };
  const payload = doc as DocumentPayload;
  if (payload.text !== undefined) out.text = payload.text;
  if (payload.data !== undefined) out.data = payload.data;
  return out;
}

/** A label with Datasaur's fields in Datasaur's order, then labelhook's id. */
export function datasaurLabel(l: LabelView): DatasaurLabel {
  return {
    documentId: l.documentId,
    startCellIndex: l.startCellIndex,
    startCellLine: l.startCellLine,
    startTokenIndex: l.startTokenIndex,
    startCharIndex: l.startCharIndex,
    endCellIndex: l.endCellIndex,
    endCellLine: l.endCellLine,
    endTokenIndex: l.endTokenIndex,
    endCharIndex: l.endCharIndex,
    counter: l.counter,
    layer: l.layer,
    labeledBy: l.labeledBy,
    type: l.type,
    labelSetItemId: l.labelSetItemId,
    confidenceScore: l.confidenceScore,
    labeledByUserId: l.labeledByUserId,
    id: l.id,
  };
}

function labelUpdateList(list: LabelUpdateList): DatasaurLabelUpdateList {
  return { toDeleteList: list.toDeleteList.map(datasaurLabel), toUpsertList: list.toUpsertList.map(datasaurLabel) };
}

/** Which person key Datasaur would use for the actor of each event type. */
function personKey(type: StoredEvent['type']): 'labeler' | 'reviewer' | 'owner' | 'user' {
  switch (type) {
    case 'PROJECT_COMPLETED':
    case 'TASK_COMPLETED':
      return 'labeler';
    case 'PROJECT_REVIEWED':
    case 'TASK_REVIEWED':
      return 'reviewer';
    case 'BEFORE_UPDATE_LABELS':
    case 'ANNOTATION_CREATED':
    case 'ANNOTATION_UPDATED':
    case 'ANNOTATIONS_DELETED':
      return 'owner';
    default:
      return 'user';
  }
}

type LabelHolder = { labels: LabelView[] };

/** One field of an event Datasaur lacks, with documents and labels in Datasaur's shapes. */
function convertField(key: string, value: unknown): unknown {
  switch (key) {
    case 'document':
      return datasaurDocument(value as DocumentRef, true);
    case 'documents':
      return (value as DocumentPayload[]).map((d) => datasaurDocument(d, true));
    case 'labelUpdateList':
      return labelUpdateList(value as LabelUpdateList);
    case 'annotation':
      return { ...(value as LabelHolder), labels: (value as LabelHolder).labels.map(datasaurLabel) };
    case 'annotations':
      return (value as LabelHolder[]).map((a) => ({ ...a, labels: a.labels.map(datasaurLabel) }));
    case 'before':
      // TASKS_UPDATED's before holds documents, ANNOTATION_UPDATED's labels; PROJECT_UPDATED's holds project fields
      // and passes through.
      if (Array.isArray(value)) return (value as DocumentPayload[]).map((d) => datasaurDocument(d, true));
      return Array.isArray((value as Partial<LabelHolder>).labels) ? { labels: (value as LabelHolder).labels.map(datasaurLabel) } : value;
    default:
      return value;
  }
}

/** The Datasaur body of one event. */
export function datasaurBody(event: StoredEvent, options: FormatOptions): DatasaurWebhookBody | DatasaurExportCallback {
  const project = eventProject(event);
  const timestamp = event.timestamp;
  if (!options.sendPayload) {
    return { eventType: event.type, data: { timestamp, ...(project ? { project: { id: project.id } } : {}), team: { id: event.team.id } } };
  }
  const person = event.actor ? { [personKey(event.type)]: datasaurUser(event.actor) } : {};
  const teamId = { id: event.team.id };
  switch (event.type) {
    case 'PROJECT_CREATED':
      return { eventType: 'PROJECT_CREATED', data: { timestamp, project: datasaurProject(project!), team: { id: event.team.id, name: event.team.name } } };
    case 'BEFORE_UPDATE_LABELS': {
      const data = event.data as { document: DocumentRef; isReviewDocument: boolean; labelUpdateList: LabelUpdateList };
      return {
        eventType: 'BEFORE_UPDATE_LABELS',
        data: {
          timestamp,
          document: datasaurDocument(data.document),
          isReviewDocument: data.isReviewDocument,
          labelUpdateList: labelUpdateList(data.labelUpdateList),
          ...person,
          team: teamId,
        },
      };
    }
    case 'PROJECT_COMPLETED':
      return { eventType: 'PROJECT_COMPLETED', data: { timestamp, ...person, project: datasaurProject(project!), team: teamId } };
    case 'PROJECT_REVIEWED':
      return { eventType: 'PROJECT_REVIEWED', data: { timestamp, ...person, project: datasaurProject(project!), team: teamId } };
    case 'EXPORT_COMPLETED': {
      // Datasaur's export callback ("custom webhook"): {userId, fileUrl, projectId, documentId}; the file's counts
      // and checksum follow under `export`.
      const file = (event.data as { export: ExportFileRef }).export;
      return { userId: event.actor?.id ?? null, fileUrl: file.downloadUrl, projectId: file.projectId, documentId: null, export: file };
    }
    default: {
      // Event types Datasaur lacks: its envelope, with the event's own fields in Datasaur's shapes, ordered like
      // BEFORE_UPDATE_LABELS (own fields, then the person, then project and team).
      const own: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event.data)) {
        if (key !== 'project') own[key] = convertField(key, value);
      }
      return {
        eventType: event.type,
        data: {
          timestamp,
          ...own,
          ...person,
          ...(project ? { project: datasaurProject(project, true) } : {}),
          team: { id: event.team.id, name: event.team.name },
        },
      };
    }
  }
}

/** The request headers Datasaur's own webhook requests carry (reference/datasaur-events.md), besides the signature. */
export const DATASAUR_HEADERS = {
  'user-agent': 'Datasaur',
  accept: 'application/json, text/plain, */*',
  'accept-encoding': 'gzip, compress, deflate, br',
} as const;

/** Datasaur's dialect: Datasaur's headers and `x-datasaur-signature` on top of the webhook-* headers. */
export const datasaurFormat: PayloadFormat = {
  name: 'datasaur',
  records: (event, options) => [datasaurBody(event, options)],
  render: (records, _eventType, batched) => renderBodies(records, batched),
  headers: (body, currentSecret) => ({ ...DATASAUR_HEADERS, 'x-datasaur-signature': signDatasaur(currentSecret, body) }),
};
