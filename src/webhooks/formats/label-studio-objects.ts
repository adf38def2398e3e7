import type { Actor, DocumentRef, LabelView, ProjectRef, TeamRef } from '../../events/event.js';
import type { AnnotationPayload, DocumentPayload } from '../../events/payloads.js';
import type { LabelStudioAnnotation, LabelStudioProject, LabelStudioResult, LabelStudioTask } from '../../../sdk/types.js';
import { labelName } from './event-lookups.js';

// Label Studio 1.22's project, task and annotation objects, every field its webhook serializers send
// (docs/formats.md lists where each value comes from). Ids and foreign keys are the integer aliases (`num`).

type LabelSet = ProjectRef['labelSet'];

/** An integer id; JSON null for events stored before integer aliases existed (their refs have no `num`). */
export const lsInt = (n: number | null | undefined): number => (n ?? null) as number;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Label Studio labeling config equivalent to the label set: span labels on the text, choices for rows/documents. */
export function labelConfig(labelSet: LabelSet): string {
  const labels = labelSet.map((i) => `<Label value="${escapeXml(i.label)}"${i.color ? ` background="${escapeXml(i.color)}"` : ''}/>`).join('');
  const choices = labelSet.map((i) => `<Choice value="${escapeXml(i.label)}"/>`).join('');
  return `<View><Text name="text" value="$text"/><Labels name="label" toName="text">${labels}</Labels><Choices name="choice" toName="text">${choices}</Choices></View>`;
}

/** The config labelConfig writes, parsed as Label Studio parses it: one entry per control tag. */
export function parsedLabelConfig(labelSet: LabelSet): Record<string, unknown> {
  const inputs = [{ type: 'Text', valueType: null, value: 'text' }];
  const control = (type: 'Labels' | 'Choices', withColor: boolean): Record<string, unknown> => ({
    type,
    to_name: ['text'],
    inputs,
    labels: labelSet.map((i) => i.label),
    labels_attrs: Object.fromEntries(
      labelSet.map((i) => [i.label, withColor && i.color ? { value: i.label, background: i.color } : { value: i.label }]),
    ),
  });
  return { label: control('Labels', true), choice: control('Choices', false) };
}

/** Label Studio's default control weights for that config: every control and label weighs 1. */
function controlWeights(labelSet: LabelSet): Record<string, unknown> {
  const labels = Object.fromEntries(labelSet.map((i) => [i.label, 1.0]));
  return { label: { type: 'Labels', labels, overall: 1.0 }, choice: { type: 'Choices', labels, overall: 1.0 } };
}

/**
 * Label Studio's project object. Counts come from the event's project ref; settings labelhook lacks carry Label
 * Studio's defaults; secrets (`token`, `task_data_login`, `task_data_password`) are always null.
 */
export function lsProject(project: ProjectRef, team: TeamRef): LabelStudioProject {
  const c = project.counts ?? { documentCount: 0, annotatedDocumentCount: 0, annotationCount: 0, labelCount: 0 };
  return {
    id: lsInt(project.num),
    task_number: c.documentCount,
    // maximum_annotations is 1: a task with an annotation is finished, as Label Studio counts it.
    finished_task_number: c.annotatedDocumentCount,
    total_predictions_number: 0,
    total_annotations_number: c.annotationCount,
    num_tasks_with_annotations: c.annotatedDocumentCount,
    useful_annotation_number: c.annotationCount,
    ground_truth_number: 0,
    skipped_annotations_number: 0,
    title: project.name,
    description: '',
    label_config: labelConfig(project.labelSet),
    parsed_label_config: parsedLabelConfig(project.labelSet),
    label_config_hash: null,
    expert_instruction: '',
    show_instruction: false,
    show_skip_button: true,
    enable_empty_annotation: true,
    reveal_preannotations_interactively: false,
    show_annotation_history: false,
    show_collab_predictions: true,
    evaluate_predictions_automatically: false,
    token: null,
    result_count: c.labelCount,
    color: '#FFFFFF',
    maximum_annotations: 1,
    min_annotations_to_start_training: 0,
    control_weights: controlWeights(project.labelSet),
    model_version: '',
    data_types: { text: 'Text' },
    is_draft: false,
    is_published: false,
    created_at: project.createdAt,
    updated_at: project.updatedAt,
    sampling: 'Sequential sampling',
    skip_queue: 'REQUEUE_FOR_OTHERS',
    show_ground_truth_first: false,
    show_overlap_first: false,
    overlap_cohort_percentage: 100,
    task_data_login: null,
    task_data_password: null,
    pinned_at: null,
    custom_task_lock_ttl: null,
    deleted_at: null,
    purge_at: null,
    search_vector: null,
    organization: lsInt(team.num),
    created_by: project.createdByNum ?? null,
    deleted_by: null,
  };
}

/** Task `data`: the imported JSON object, with the text under `text` (the `$text` of the label config). */
function taskData(doc: DocumentRef | DocumentPayload): Record<string, unknown> {
  const { text, data } = doc;
  const out: Record<string, unknown> = data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...(data as Record<string, unknown>) } : {};
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) out.data = data;
  if (typeof text === 'string' && !('text' in out)) out.text = text;
  return out;
}

/** Label Studio's task object for a document; the client's key and the name travel in `meta`. */
export function lsTask(doc: DocumentRef | DocumentPayload, projectNum: number | undefined): LabelStudioTask {
  const annotations = doc.annotationCount ?? 0;
  return {
    id: lsInt(doc.num),
    data: taskData(doc),
    meta: { key: doc.key, name: doc.name },
    created_at: doc.createdAt,
    updated_at: doc.updatedAt,
    is_labeled: annotations > 0,
    allow_skip: true,
    overlap: 1,
    // Label Studio numbers tasks within a project; the alias is as stable and also rises in import order.
    inner_id: lsInt(doc.num),
    total_annotations: annotations,
    cancelled_annotations: 0,
    total_predictions: 0,
    precomputed_agreement: null,
    comment_count: 0,
    unresolved_comment_count: 0,
    last_comment_updated_at: null,
    project: lsInt(projectNum),
    updated_by: null,
    file_upload: null,
    comment_authors: [],
  };
}

/** One labelhook label as a Label Studio result item: spans become `labels`, row and document labels `choices`. Label ids stay strings, as Label Studio's are. */
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

/** How an annotation reached Label Studio's shape: its task and project aliases, who acted, and whether in bulk. */
export interface AnnotationContext {
  labelSet: LabelSet;
  taskNum: number | undefined;
  projectNum: number | undefined;
  actor: Actor | null;
  lastAction: 'submitted' | 'updated';
  bulk: boolean;
}

/** Label Studio's annotation object; labelhook's string id travels as `unique_id`. */
export function lsAnnotation(a: AnnotationPayload, ctx: AnnotationContext): LabelStudioAnnotation {
  return {
    id: lsInt(a.num),
    result: a.labels.map((l) => lsResult(l, ctx.labelSet)),
    was_cancelled: false,
    ground_truth: false,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    draft_created_at: null,
    // labelhook does not time labelers; Label Studio also sends null when it has no lead time.
    lead_time: null,
    prediction: {},
    result_count: a.labels.length,
    unique_id: a.id,
    import_id: null,
    last_action: ctx.lastAction,
    bulk_created: ctx.bulk,
    task: lsInt(ctx.taskNum),
    project: lsInt(ctx.projectNum),
    completed_by: lsInt(a.memberNum),
    updated_by: ctx.actor?.num ?? null,
    parent_prediction: null,
    parent_annotation: null,
    last_created_by: null,
  };
}
