import type { ProjectRef } from '../../events/event.js';
import { lsResult, lsTask } from '../../webhooks/formats/label-studio-objects.js';
import type { ExportFormat } from '../export-format.js';
import type { ExportAnnotation, ExportDocument } from '../export-reader.js';

// Label Studio's JSON export: an array of tasks, each with `annotations[].result` in the result format the
// label-studio webhook dialect sends, so Label Studio training scripts and converters read it. Model pre-labels
// (labeledBy PREDICTION) go to `predictions`, as Label Studio keeps them apart from annotations.

type LabelSet = ProjectRef['labelSet'];

const isPrediction = (l: { labeledBy: string }): boolean => l.labeledBy === 'PREDICTION';

function annotationOf(a: ExportAnnotation, doc: ExportDocument, labelSet: LabelSet, projectNum: number | undefined): Record<string, unknown> {
  const manual = a.labels.filter((l) => !isPrediction(l));
  return {
    id: a.id,
    completed_by: a.memberId,
    result: manual.map((l) => lsResult(l, labelSet)),
    was_cancelled: false,
    // A reviewer's annotation is the reviewed truth of the document.
    ground_truth: manual.some((l) => l.labeledBy === 'REVIEWER'),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    draft_created_at: null,
    lead_time: null,
    prediction: {},
    result_count: manual.length,
    unique_id: a.id,
    import_id: null,
    last_action: null,
    bulk_created: false,
    // Foreign keys as Label Studio's integers, like the task's own id.
    task: doc.num,
    project: projectNum ?? null,
    updated_by: a.memberId,
    parent_prediction: null,
    parent_annotation: null,
    last_created_by: null,
  };
}

function predictionOf(a: ExportAnnotation, doc: ExportDocument, labelSet: LabelSet, projectNum: number | undefined): Record<string, unknown> {
  const predicted = a.labels.filter(isPrediction);
  const scores = predicted.map((l) => l.confidenceScore).filter((s): s is number => s !== null);
  return {
    id: a.id,
    result: predicted.map((l) => lsResult(l, labelSet)),
    model_version: 'labelhook',
    score: scores.length === 0 ? null : scores.reduce((x, y) => x + y, 0) / scores.length,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    task: doc.num,
    project: projectNum ?? null,
  };
}

/** One exported task: Label Studio's task keys, with annotations, predictions and drafts. */
function taskOf(doc: ExportDocument, innerId: number, project: ProjectRef): Record<string, unknown> {
  const labelSet = project.labelSet;
  const annotations = doc.annotations.filter((a) => a.labels.some((l) => !isPrediction(l))).map((a) => annotationOf(a, doc, labelSet, project.num));
  const predictions = doc.annotations.filter((a) => a.labels.some(isPrediction)).map((a) => predictionOf(a, doc, labelSet, project.num));
  return {
    ...lsTask({ ...doc, annotationCount: annotations.length }, project.num),
    is_labeled: annotations.length > 0,
    annotations,
    predictions,
    drafts: [],
    allow_skip: true,
    overlap: 1,
    inner_id: innerId,
    total_annotations: annotations.length,
    cancelled_annotations: 0,
    total_predictions: predictions.length,
    precomputed_agreement: null,
    comment_count: 0,
    unresolved_comment_count: 0,
    last_comment_updated_at: null,
    updated_by: [...new Set(doc.annotations.map((a) => a.memberId))].map((id) => ({ user_id: id })),
    file_upload: null,
    comment_authors: [],
    // labelhook's completion and review state, which Label Studio tasks lack.
    completed: doc.completed,
    reviewed: doc.reviewed,
  };
}

/** Label Studio's JSON export: one JSON array of tasks, streamed element by element. */
export const labelStudioExport: ExportFormat = {
  name: 'label-studio',
  contentType: 'application/json; charset=utf-8',
  extension: 'json',
  writer: (project) => {
    let count = 0;
    return {
      start: () => '[',
      page: (docs) => docs.map((d) => `${count++ === 0 ? '' : ','}\n${JSON.stringify(taskOf(d, count, project))}`).join(''),
      end: () => '\n]\n',
    };
  },
};
