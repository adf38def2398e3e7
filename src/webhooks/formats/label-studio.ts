import type { StoredEvent } from '../../events/event.js';
import type { EventDataByType } from '../../events/payloads.js';
import type { LabelStudioWebhookBody } from '../../../sdk/types.js';
import { eventProject } from './event-lookups.js';
import type { FormatOptions, PayloadFormat } from './format.js';
import { lsAnnotation, lsInt, lsProject, lsResult, lsTask } from './label-studio-objects.js';
import { renderBodies } from './render-json.js';

// Label Studio's bodies with the key names its server sends (webhooks/models.py ACTIONS and the DRF serializers):
// `{action, <key>, project, <nested>}`, ids and foreign keys as integers. Event types Label Studio lacks
// (TASKS_EXCLUDED, BEFORE_UPDATE_LABELS, TASK_COMPLETED/REVIEWED, PROJECT_COMPLETED/REVIEWED, PING) use the
// same envelope and objects.

/** The Label Studio body of one event. */
export function labelStudioBody(event: StoredEvent, options: FormatOptions): LabelStudioWebhookBody {
  if (!options.sendPayload) return { action: event.type };
  const projectRef = eventProject(event);
  const labelSet = projectRef?.labelSet ?? [];
  const project = projectRef ? lsProject(projectRef, event.team) : undefined;
  const projectNum = projectRef?.num;
  const d = event.data;
  switch (event.type) {
    case 'PROJECT_CREATED':
    case 'PROJECT_UPDATED':
    case 'PROJECT_COMPLETED':
    case 'PROJECT_REVIEWED':
      return { action: event.type, project: project! };
    case 'PROJECT_DELETED':
      return { action: 'PROJECT_DELETED', project: { id: lsInt(projectNum) } };
    case 'TASKS_CREATED':
    case 'TASKS_EXCLUDED':
    case 'TASKS_UPDATED': {
      // TASKS_UPDATED (an import's overwrite) is a labelhook extension in TASKS_CREATED's shape: the tasks after it.
      const { documents } = d as EventDataByType['TASKS_CREATED'];
      return { action: event.type, tasks: documents.map((doc) => lsTask(doc, projectNum)), project: project! };
    }
    case 'TASKS_DELETED': {
      const { documents } = d as EventDataByType['TASKS_DELETED'];
      return { action: 'TASKS_DELETED', tasks: documents.map((doc) => ({ id: lsInt(doc.num) })), project: project! };
    }
    case 'ANNOTATION_CREATED':
    case 'ANNOTATION_UPDATED': {
      const { annotation, document } = d as EventDataByType['ANNOTATION_CREATED'];
      const lastAction = event.type === 'ANNOTATION_CREATED' ? 'submitted' : 'updated';
      return {
        action: event.type,
        annotation: lsAnnotation(annotation, { labelSet, taskNum: document.num, projectNum, actor: event.actor, lastAction, bulk: false }),
        project: project!,
        task: lsTask(document, projectNum),
      };
    }
    case 'ANNOTATIONS_CREATED': {
      // Label Studio's bulk shape: the lists under the singular keys.
      const { annotations, documents } = d as EventDataByType['ANNOTATIONS_CREATED'];
      const nums = new Map(documents.map((doc) => [doc.id, doc.num]));
      return {
        action: 'ANNOTATIONS_CREATED',
        annotation: annotations.map((a) =>
          lsAnnotation(a, { labelSet, taskNum: nums.get(a.documentId), projectNum, actor: event.actor, lastAction: 'submitted', bulk: true }),
        ),
        project: project!,
        task: documents.map((doc) => lsTask(doc, projectNum)),
      };
    }
    case 'ANNOTATIONS_DELETED': {
      const { annotations } = d as EventDataByType['ANNOTATIONS_DELETED'];
      return { action: 'ANNOTATIONS_DELETED', annotations: annotations.map((a) => ({ id: lsInt(a.num) })), project: project! };
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
        task: lsTask(document, projectNum),
      };
    }
    case 'TASK_COMPLETED':
    case 'TASK_REVIEWED': {
      const { document } = d as EventDataByType['TASK_COMPLETED'];
      return { action: event.type, task: lsTask(document, projectNum), project: project! };
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
