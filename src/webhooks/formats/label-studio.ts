import type { DocumentRef, LabelView, ProjectRef, StoredEvent, TeamRef } from '../../events/event.js';
import type { AnnotationPayload, DocumentPayload, EventDataByType } from '../../events/payloads.js';
import type { LabelStudioAnnotation, LabelStudioProject, LabelStudioResult, LabelStudioTask, LabelStudioWebhookBody } from '../../../sdk/types.js';
import { eventProject, labelName } from './event-refs.js';
import type { FormatOptions, PayloadFormat } from './format.js';
import { renderBodies } from './render-json.js';

// Label Studio's bodies with the key names its server sends (webhooks/models.py ACTIONS and the DRF serializers):
// `{action, <key>, project, <nested>}`. Label Studio's ids are integers; labelhook's are strings.

type LabelSet = ProjectRef['labelSet'];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Label Studio labeling config equivalent to the label set: span labels on the text, choices for rows/documents. */
export function labelConfig(labelSet: LabelSet): string {
  const labels = labelSet.map((i) => `<Label value="${escapeXml(i.label)}"${i.color ? ` background="${escapeXml(i.color)}"` : ''}/>`).join('');
  const choices = labelSet.map((i) => `<Choice value="${escapeXml(i.label)}"/>`).join('');
  return `<View><Text name="text" value="$text"/><Labels name="label" toName="text">${labels}</Labels><Choices name="choice" toName="text">${choices}</Choices></View>`;
}

/** Label Studio's project object for a labelhook project. */
export function lsProject(project: ProjectRef, team: TeamRef): LabelStudioProject {
  return {
    id: project.id,
    title: project.name,
    description: '',
    label_config: labelConfig(project.labelSet),
    data_types: { text: 'Text' },
    created_at: project.createdAt,
    updated_at: project.updatedAt,
    organization: team.id,
    tags: project.tags,
    status: project.status,
  };
}

/** Task `data`: the imported JSON object, with the text under `text` (the `$text` of the label config). */
function taskData(doc: DocumentRef | DocumentPayload): Record<string, unknown> {
  const { text, data } = doc as DocumentPayload;
  const out: Record<string, unknown> = data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...(data as Record<string, unknown>) } : {};
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) out.data = data;
  if (typeof text === 'string' && !('text' in out)) out.text = text;
  return out;
}

/** Label Studio's task object for a document; the client's key and the name travel in `meta`. */
export function lsTask(doc: DocumentRef | DocumentPayload, isLabeled: boolean): LabelStudioTask {
  return {
    id: doc.id,
    data: taskData(doc),
    meta: { key: doc.key, name: doc.name },
    created_at: doc.createdAt,
    updated_at: doc.updatedAt,
    is_labeled: isLabeled,
    project: doc.projectId,
  };
}

/** One labelhook label as a Label Studio result item: spans become `labels`, row and document labels `choices`. */
export function lsResult(label: LabelView, labelSet: LabelSet): LabelStudioResult {
  const name = labelName(label, labelSet);
  const origin = label.labeledBy === 'PREDICTION' ? 'prediction' : 'manual';
  const score = label.confidenceScore === null ? {} : { score: label.confidenceScore };
  if (label.type === 'SPAN') {
    return {
      value: { start: label.startCharIndex, end: label.endCharIndex, labels: [name] },
      id: label.id,
      from_name: 'label',
      to_name: 'text',
      type: 'labels',
      origin,
      ...score,
    } as LabelStudioResult;
  }
  return { value: { choices: [name] }, id: label.id, from_name: 'choice', to_name: 'text', type: 'choices', origin, ...score } as LabelStudioResult;
}

function lsAnnotation(a: AnnotationPayload, labelSet: LabelSet): LabelStudioAnnotation {
  return {
    id: a.id,
    result: a.labels.map((l) => lsResult(l, labelSet)),
    was_cancelled: false,
    ground_truth: false,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    // labelhook does not time labelers; Label Studio also sends null when it has no lead time.
    lead_time: null,
    task: a.documentId,
    project: a.projectId,
    completed_by: a.memberId,
  };
}

/** The Label Studio body of one event. */
export function labelStudioBody(event: StoredEvent, options: FormatOptions): LabelStudioWebhookBody {
  if (!options.sendPayload) return { action: event.type };
  const projectRef = eventProject(event);
  const labelSet = projectRef?.labelSet ?? [];
  const project = projectRef ? lsProject(projectRef, event.team) : undefined;
  const d = event.data;
  switch (event.type) {
    case 'PROJECT_CREATED':
    case 'PROJECT_UPDATED':
    case 'PROJECT_COMPLETED':
    case 'PROJECT_REVIEWED':
      return { action: event.type, project: project! };
    case 'PROJECT_DELETED':
      return { action: 'PROJECT_DELETED', project: { id: projectRef!.id } };
    case 'TASKS_CREATED':
    case 'TASKS_EXCLUDED': {
      const { documents } = d as EventDataByType['TASKS_CREATED'];
      return { action: event.type, tasks: documents.map((doc) => lsTask(doc, false)), project: project! };
    }
    case 'TASKS_DELETED': {
      const { documents } = d as EventDataByType['TASKS_DELETED'];
      return { action: 'TASKS_DELETED', tasks: documents.map((doc) => ({ id: doc.id })), project: project! };
    }
    case 'ANNOTATION_CREATED':
    case 'ANNOTATION_UPDATED': {
      const { annotation, document } = d as EventDataByType['ANNOTATION_CREATED'];
      return {
        action: event.type,
        annotation: lsAnnotation(annotation, labelSet),
        project: project!,
        task: lsTask(document, annotation.labels.length > 0),
      };
    }
    case 'ANNOTATIONS_DELETED': {
      const { annotations } = d as EventDataByType['ANNOTATIONS_DELETED'];
      return { action: 'ANNOTATIONS_DELETED', annotations: annotations.map((a) => ({ id: a.id })), project: project! };
    }
    case 'BEFORE_UPDATE_LABELS': {
      const { document, isReviewDocument, labelUpdateList } = d as EventDataByType['BEFORE_UPDATE_LABELS'];
      return {
        action: 'BEFORE_UPDATE_LABELS',
        labels: {
          to_upsert: labelUpdateList.toUpsertList.map((l) => lsResult(l, labelSet)),
          to_delete: labelUpdateList.toDeleteList.map((l) => lsResult(l, labelSet)),
        },
        is_review_document: isReviewDocument,
        project: project!,
        task: lsTask(document, true),
      };
    }
    case 'TASK_COMPLETED':
    case 'TASK_REVIEWED': {
      const { document } = d as EventDataByType['TASK_COMPLETED'];
      return { action: event.type, task: lsTask(document, true), project: project! };
    }
    case 'PING': {
      const { message, webhookId } = d as EventDataByType['PING'];
      return { action: 'PING', message, webhook_id: webhookId };
    }
    case 'EXPORT_COMPLETED':
    case 'EXPORT_FAILED': {
      // Label Studio has no export webhook: the export under its own key, with the project as everywhere.
      const { export: file } = d as EventDataByType['EXPORT_COMPLETED'] | EventDataByType['EXPORT_FAILED'];
      return { action: event.type, export: file, project: project! } as LabelStudioWebhookBody;
    }
  }
}

/** Label Studio's dialect. Label Studio signs nothing; the engine's webhook-* headers make it verifiable. */
export const labelStudioFormat: PayloadFormat = {
  name: 'label-studio',
  records: (event, options) => [labelStudioBody(event, options)],
  render: (records, _eventType, batched) => renderBodies(records, batched),
  headers: () => ({}),
};
